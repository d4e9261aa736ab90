import type { Command } from '../command.ts';
import { agentCommands } from './agent.ts';
import { channelCommands } from './channel.ts';
import { destinationCommands } from './destination.ts';
import { eventCommands } from './events.ts';
import { replyCommands } from './reply.ts';

/** Every command, in the order `--help` lists them. */
export const commands: Command[] = [
  ...channelCommands,
  ...destinationCommands,
  ...agentCommands,
  ...replyCommands,
  ...eventCommands,
];
