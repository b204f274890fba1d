import type { Request } from 'express';
import type { FitbitService } from '../../lib/index.js';
import type { SampleSettings } from '../config/environment.js';
import { flash } from '../web/flash.js';

/** What the connection box shows: connected as whom, or a button to connect (again). */
export async function connectionView(fitbit: FitbitService, req: Request) {
  const connection = await fitbit.connectionOf(req.user);
  return { ...connection, linked: connection.status === 'linked', needsReconnect: connection.status === 'needs-reconnect' };
}

/**
 * The confirmations after connecting or disconnecting: the connection box's forms come back with
 * `?connected=1` / `?disconnected=1`, the page flashes what happened and redirects to itself
 * without the marker (a reload does not say it again). Returns whether it redirected.
 */
export async function confirmConnectionChange(req: Request, redirect: (path: string) => void, fitbit: FitbitService, settings: SampleSettings): Promise<boolean> {
  const { connected, disconnected } = req.query;
  if (connected !== '1' && disconnected !== '1') return false;
  const { status } = await fitbit.connectionOf(req.user);
  // The module confirms the connect itself (naming the app account); what the sample adds is where the history is.
  if (connected === '1' && status === 'linked' && settings.subscribe) {
    flash(req, 'info', 'Your history is being imported: the bar below fills as it arrives.');
  }
  if (disconnected === '1' && status !== 'linked') {
    flash(req, 'success', settings.subscribe ? 'Your Fitbit account is disconnected. The data already stored here is kept.' : 'Your Fitbit account is disconnected.');
  }
  const url = new URL(req.originalUrl, 'http://sample.invalid');
  url.searchParams.delete('connected');
  url.searchParams.delete('disconnected');
  redirect(`${url.pathname}${url.search}`);
  return true;
}
