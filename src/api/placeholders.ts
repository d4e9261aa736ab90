/**
 * Fills the placeholders of a canned reply (PRODUCT.md section 5). Pure, with no imports, so an agent
 * application (the console bundles it) fills them exactly as documented, with nothing of the server.
 */

/**
 * What a canned reply may draw on: the conversation as the Agent API shows it, whose attributes never
 * include the hidden ones, and the agent who answers.
 */
export interface PlaceholderValues {
  userName: string;
  attributes: Readonly<Record<string, unknown>>;
  agentFirstName: string;
}

const placeholder = /\{(userName|agentFirstName|attributes\.([^{}]+))\}/g;

/** An attribute's own value as text, when it is text, a number or a boolean. */
function attributeText(attributes: PlaceholderValues['attributes'], key: string): string | undefined {
  if (!Object.hasOwn(attributes, key)) return undefined;
  const value = attributes[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * `{userName}`, `{attributes.<key>}` and `{agentFirstName}` with their values. A placeholder with nothing
 * to fill it (an attribute the conversation lacks, an object, an empty name) and any other braces stay as
 * typed: the agent sees what is missing in the composer and edits it before sending, rather than a
 * sentence with a silent hole.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(placeholder, (typed, name: string, key: string | undefined) => {
    const value =
      key !== undefined
        ? attributeText(values.attributes, key)
        : name === 'userName'
          ? values.userName
          : values.agentFirstName;
    return value ? value : typed;
  });
}
