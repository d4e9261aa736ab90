import type { DeskState } from '../desk/state.ts';
import { closedText, hoursText, localZone } from './group-hours.ts';

/**
 * The agent's groups: whether DialogStudio sees each as online (open by its business hours, and someone
 * in it online), its hours, and while it is closed when it opens.
 */
export function YourGroups({ state }: { state: DeskState }) {
  const groups = state.me?.destinations ?? [];
  if (groups.length === 0) return null;
  const zone = localZone();
  return (
    <section class="groups" aria-label="Your groups">
      <h2>Your groups</h2>
      <ul>
        {groups.map((id) => {
          const known = state.destinations?.find((it) => it.destinationId === id);
          const online = known?.hasOnline;
          const closed = known && closedText(known, zone);
          return (
            <li key={id} data-destination-id={id}>
              <div class="group-line">
                <span>{known?.name ?? id}</span>
                {online === undefined ? (
                  // Without the server's word: a group is online while one of its agents is, so at least while you are.
                  <span class={state.online ? 'state online' : 'state unknown'}>
                    {state.online ? 'online for DialogStudio' : 'online only if a colleague is'}
                  </span>
                ) : closed ? (
                  <span class="state offline closed">{closed}</span>
                ) : (
                  <span class={online ? 'state online' : 'state offline'}>
                    {online ? 'online for DialogStudio' : 'offline for DialogStudio'}
                  </span>
                )}
              </div>
              {known?.hours && <small class="hours">{hoursText(known.hours, zone)}</small>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
