import { Controller, type Type } from '@nestjs/common';

/**
 * A subclass of `controller` mounted under `prefix`, made for one registration. The module's
 * controller classes are shared by every registration, so each gets its own subclass rather than
 * a rewrite of the shared class's route metadata. Routes, guards and constructor parameters are
 * inherited; only the path is the subclass's own.
 */
export function routedController<T>(controller: Type<T>, prefix: string): Type<T> {
  const routed = class extends (controller as Type<object>) {} as Type<T>;
  Object.defineProperty(routed, 'name', { value: controller.name });
  Controller(prefix)(routed);
  return routed;
}
