import { SYSTEM_EMPLOYEE_ID } from '#domain/directory/id-namespace.ts';
import type { Agent, Channel } from '#domain/directory/model.ts';
import type { Config } from '#domain/shared/config.ts';

/**
 * The events we post to DialogStudio's webhook, exactly as the seed page shapes them and typed as
 * its parameter tables say (`size` an integer, `hasOnline` a boolean). Built once, when the event
 * is written, so every attempt sends the same body with the same `id`.
 */

export interface Employee {
  employeeId: string;
  firstName: string;
  lastName: string;
  avatarUrl: string;
}

/** The agent as DialogStudio sees it: all four fields always strings. */
export function employeeOf(agent: Agent, config: Pick<Config, 'DEFAULT_AVATAR_URL'>): Employee {
  return {
    employeeId: agent.employeeId,
    firstName: agent.firstName,
    lastName: agent.lastName,
    avatarUrl: agent.avatarUrl || config.DEFAULT_AVATAR_URL,
  };
}

/**
 * The channel's system sender, the author of automatic replies: its own employee id, the name set with
 * `channel update --system-name` (the channel's name until then) and its avatar or the default one.
 */
export function systemEmployee(
  channel: Pick<Channel, 'name' | 'systemName' | 'systemAvatarUrl'>,
  config: Pick<Config, 'DEFAULT_AVATAR_URL'>,
): Employee {
  return {
    employeeId: SYSTEM_EMPLOYEE_ID,
    firstName: channel.systemName || channel.name,
    lastName: '',
    avatarUrl: channel.systemAvatarUrl || config.DEFAULT_AVATAR_URL,
  };
}

export function textMessageEvent(id: string, userId: string, employee: Employee, text: string) {
  return { id, userId, type: 'TextMessage', text, employee };
}

export function fileMessageEvent(
  id: string,
  userId: string,
  employee: Employee,
  file: { url: string; name: string; size: number; comment: string },
) {
  const { url, name, size, comment } = file;
  return { id, userId, type: 'FileMessage', url, employee, name, size: Math.trunc(size), comment };
}

export function closedEvent(id: string, userId: string, employee: Employee) {
  return { id, userId, type: 'Closed', employee };
}

/** The seed's SelectDestination has no `employee`; PRODUCT.md gives every event one, so it is added. */
export function selectDestinationEvent(
  id: string,
  userId: string,
  employee: Employee,
  destination: { destinationId: string; name: string; hasOnline: boolean },
) {
  return { id, userId, type: 'SelectDestination', destination, employee };
}
