/** One open live-updates WebSocket. */
export interface LiveConnection {
  connectionId: string;
  employeeId: string;
  /** The agent's credential version at connect time: a revoke or a new token ends the session. */
  credentialVersion: number;
  /** The queues whose conversations this connection hears about: the agent's groups and its own queue. */
  queues: string[];
  /** Where API Gateway's management API reaches the connection (AWS); absent for the local runtime's sockets. */
  managementUrl?: string;
  connectedAt: string;
  /** Epoch seconds: the record's TTL. */
  expiresAt: number;
}

export interface LiveTicket {
  employeeId: string;
  credentialVersion: number;
}

export interface Listener {
  connectionId: string;
  employeeId: string;
  credentialVersion: number;
}

/** The records of live updates: single-use tickets, connections, and who listens to which queue. */
export interface LivePort {
  putTicket(ticketHash: string, ticket: LiveTicket, validUntilMs: number): Promise<void>;
  /** Takes a ticket out and answers whose it was: of two redeemers only one gets it; an expired one, nobody. */
  takeTicket(ticketHash: string, nowMs: number): Promise<LiveTicket | undefined>;
  putConnection(connection: LiveConnection): Promise<void>;
  getConnection(connectionId: string): Promise<LiveConnection | undefined>;
  /** Forgets a connection and its queue entries; nothing to do for one already gone. */
  deleteConnection(connectionId: string): Promise<void>;
  /** The unexpired connections that listen to a queue. */
  listeners(queue: string, nowMs: number): Promise<Listener[]>;
  /** The agent's recorded connections. */
  connectionsOf(employeeId: string): Promise<LiveConnection[]>;
}

/** Ends open WebSocket sessions: API Gateway's management API in AWS, the runtime's own sockets locally. */
export interface LiveSessions {
  close(connection: LiveConnection): Promise<void>;
}
