import { readFileSync } from 'node:fs';

/** One schema (or property, or array item) of a discovery document. */
export interface DiscoverySchema {
  id?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'any';
  format?: string;
  $ref?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
  enum?: string[];
  readOnly?: boolean;
  /** Added where Google's description began with "Required.". */
  'x-required'?: boolean;
}

/** A parameter of a method (or of every method) of a discovery document. */
export interface DiscoveryParameter extends DiscoverySchema {
  location: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
  pattern?: string;
}

/** One method of a discovery document: HTTP method, path, parameters, request and response schemas. */
export interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  /** Relative to the service root, with `{+name}` reserved expansions: `v4/{+parent}/dataPoints`. */
  path: string;
  /** The same path with one `{segment}` per path segment: `v4/users/{usersId}/dataTypes/{dataTypesId}/dataPoints`. */
  flatPath: string;
  parameters?: Record<string, DiscoveryParameter>;
  parameterOrder?: string[];
  request?: { $ref: string };
  response?: { $ref: string };
  scopes?: string[];
}

/** A resource of a discovery document: its methods and nested resources. */
export interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

/** A Google API discovery document, as the package carries the Health API's. */
export interface DiscoveryDocument {
  id: string;
  name: string;
  version: string;
  revision: string;
  rootUrl: string;
  /** Parameters every method takes (`fields`, `prettyPrint`, `alt`…). */
  parameters: Record<string, DiscoveryParameter>;
  resources: Record<string, DiscoveryResource>;
  schemas: Record<string, DiscoverySchema>;
  auth?: { oauth2?: { scopes?: Record<string, unknown> } };
}

/** The Health API versions whose discovery documents the package carries. */
export type GoogleHealthApiVersion = 'v4' | 'v4beta';

const loaded = new Map<GoogleHealthApiVersion, DiscoveryDocument>();

/** Google's discovery document of the Google Health API, as vendored beside this file (read once). */
export function googleHealthDiscovery(version: GoogleHealthApiVersion = 'v4'): DiscoveryDocument {
  let document = loaded.get(version);
  if (!document) {
    document = JSON.parse(readFileSync(new URL(`./health.${version}.json`, import.meta.url), 'utf8')) as DiscoveryDocument;
    loaded.set(version, document);
  }
  return document;
}

/** Every method of the document, depth first. */
export function discoveryMethods(document: DiscoveryDocument): DiscoveryMethod[] {
  const methods: DiscoveryMethod[] = [];
  const walk = (resources: Record<string, DiscoveryResource> | undefined) => {
    for (const resource of Object.values(resources ?? {})) {
      methods.push(...Object.values(resource.methods ?? {}));
      walk(resource.resources);
    }
  };
  walk(document.resources);
  return methods;
}
