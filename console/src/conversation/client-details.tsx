import type { Conversation } from '../api.ts';
import type { DeskState } from '../desk/state.ts';
import { plainValue } from '../format.ts';
import { destinationName } from '../names.ts';

/** What the client filled in before the handoff. Hidden attributes never reach the console at all. */
export function ClientDetails({ conversation, state }: { conversation: Conversation; state: DeskState }) {
  const sections = [
    { title: 'Attributes', values: conversation.attributes ?? {} },
    { title: 'Custom data', values: conversation.customData ?? {} },
  ];
  return (
    <aside class="details" aria-label="Details">
      <h2>Client</h2>
      <dl>
        <dt>User id</dt>
        <dd>{conversation.userId}</dd>
        <dt>Destination</dt>
        <dd>{destinationName(conversation.destinationId, state.me, state.destinations)}</dd>
      </dl>
      {sections.map(({ title, values }) => (
        <section key={title}>
          <h2>{title}</h2>
          {Object.keys(values).length === 0 ? (
            <p class="muted">None</p>
          ) : (
            <dl>
              {Object.entries(values).map(([key, value]) => [
                <dt key={`k-${key}`}>{key}</dt>,
                <dd key={`v-${key}`}>{plainValue(value)}</dd>,
              ])}
            </dl>
          )}
        </section>
      ))}
    </aside>
  );
}
