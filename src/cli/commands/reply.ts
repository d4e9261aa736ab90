import { storeCommand } from '../command.ts';

/** Canned replies (PRODUCT.md section 5): agents insert them with `/shortcut` in the console's composer. */
export const replyCommands = [
  storeCommand({
    group: 'reply',
    name: 'create',
    flags: { destination: 'required', shortcut: 'required', title: 'required', text: 'required' },
    usage: '--destination ID --shortcut S --title T --text "Hi {userName}, ..."',
    async run(deps, { flags }) {
      const { createCannedReply } = await import('#use-cases/admin/create-canned-reply.ts');
      const reply = await createCannedReply(deps, {
        destinationId: flags.destination,
        shortcut: flags.shortcut,
        title: flags.title,
        text: flags.text,
      });
      return {
        data: reply,
        text: `Canned reply: ${reply.replyId}\t/${reply.shortcut} in ${reply.destinationId}`,
      };
    },
  }),
  storeCommand({
    group: 'reply',
    name: 'list',
    flags: { destination: 'optional' },
    usage: '[--destination ID]',
    async run(deps, { flags }) {
      const { listCannedReplies } = await import('#use-cases/admin/list-canned-replies.ts');
      const replies = await listCannedReplies(deps, flags.destination);
      const lines = replies.map((r) => `${r.replyId}\t${r.destinationId}\t/${r.shortcut}\t${r.title}`);
      return { data: replies, text: lines.length === 0 ? 'No canned replies' : lines.join('\n') };
    },
  }),
  storeCommand({
    group: 'reply',
    name: 'remove',
    target: '<id>',
    flags: {},
    usage: '',
    async run(deps, { target: replyId }) {
      const { removeCannedReply } = await import('#use-cases/admin/remove-canned-reply.ts');
      await removeCannedReply(deps, replyId);
      return { data: { replyId, removed: true }, text: `Removed canned reply ${replyId}` };
    },
  }),
];
