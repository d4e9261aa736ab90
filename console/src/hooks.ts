import { useEffect, useState } from 'preact/hooks';
import type { Desk } from './desk/desk.ts';
import type { DeskState } from './desk/state.ts';

/** The desk's state, re-rendering on every change. */
export function useDesk(desk: Desk): DeskState {
  const [state, setState] = useState(desk.state);
  useEffect(() => {
    setState(desk.state);
    return desk.subscribe(() => setState(desk.state));
  }, [desk]);
  return state;
}

/** The current time, refreshed on an interval: wait times move without any request. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
