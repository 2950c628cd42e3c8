/** Picks the connector from the settings: `rest` (REST/JSON) or `lut` (LUT/ODR sockets). */
import { LutConnector } from './lut.ts';
import { RestConnector } from './rest.ts';
import type { ConnectorConfig, WmsConnector } from './types.ts';

export function createConnector(cfg: ConnectorConfig): WmsConnector {
  return cfg.wmsKind === 'lut' ? new LutConnector(cfg) : new RestConnector(cfg);
}
