import type { DeskState } from '../desk/state.ts';

/** The agent's groups, and whether DialogStudio sees each as online (someone in it is online). */
export function YourGroups({ state }: { state: DeskState }) {
  const groups = state.me?.destinations ?? [];
  if (groups.length === 0) return null;
  return (
    <section class="groups" aria-label="Your groups">
      <h2>Your groups</h2>
      <ul>
        {groups.map((id) => {
          const known = state.destinations?.find((it) => it.destinationId === id);
          const online = known?.hasOnline;
          return (
            <li key={id}>
              <span>{known?.name ?? id}</span>
              {online === undefined ? (
                // Without the server's word: a group is online while one of its agents is, so at least while you are.
                <span class={state.online ? 'state online' : 'state unknown'}>
                  {state.online ? 'online for DialogStudio' : 'online only if a colleague is'}
                </span>
              ) : (
                <span class={online ? 'state online' : 'state offline'}>
                  {online ? 'online for DialogStudio' : 'offline for DialogStudio'}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
