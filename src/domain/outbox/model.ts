export type DeliveryTarget = 'dialogstudio' | 'platform';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Outbox state of one event: the exact body is fixed at write time, so every attempt sends the same `id`. */
export interface Delivery {
  target: DeliveryTarget;
  status: DeliveryStatus;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: string;
  /** When the next attempt is due; the sweep finds it by this time. */
  nextAttemptAt?: string;
  /** The retry window (max age) counts from the first real attempt, not from a wait for the URL. */
  firstAttemptAt?: string;
  lastError?: string;
  /** HTTP status of the last answer, when there was one. */
  lastStatus?: number;
  deliveredAt?: string;
  failedAt?: string;
}
