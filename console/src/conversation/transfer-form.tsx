import { useState } from 'preact/hooks';
import type { Conversation } from '../api.ts';
import type { Desk } from '../desk/desk.ts';
import type { DeskState } from '../desk/state.ts';
import { agentLabel, groupLabel, transferTargets } from './transfer-targets.ts';

/** Transfer to a group (with whether someone is online) or to a single agent (online or not). */
export function TransferForm(props: {
  desk: Desk;
  state: DeskState;
  conversation: Conversation;
  onDone: () => void;
}) {
  const { desk, state, conversation } = props;
  const [target, setTarget] = useState('');
  const { groups, agents } = transferTargets(conversation, state.me, state.destinations);
  return (
    <form
      class="transfer"
      onKeyDown={(event) => {
        if (event.key === 'Escape') props.onDone();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        if (!target) return;
        props.onDone();
        void desk.transfer(conversation.conversationId, target);
      }}
    >
      <label for="transfer-target">Transfer to</label>
      <select
        id="transfer-target"
        // biome-ignore lint/a11y/noAutofocus: the form opens on the agent's request, to be filled at once
        autoFocus
        value={target}
        onChange={(event) => setTarget(event.currentTarget.value)}
      >
        <option value="">Choose a group or an agent…</option>
        <optgroup label="Groups">
          {groups.map((group) => (
            <option key={group.destinationId} value={group.destinationId}>
              {groupLabel(group)}
            </option>
          ))}
        </optgroup>
        {agents.length > 0 && (
          <optgroup label="Agents">
            {agents.map((agent) => (
              <option key={agent.employeeId} value={agent.employeeId}>
                {agentLabel(agent)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="submit" class="primary" disabled={!target}>
        Transfer
      </button>
      <button type="button" class="quiet" onClick={props.onDone}>
        Cancel
      </button>
    </form>
  );
}
