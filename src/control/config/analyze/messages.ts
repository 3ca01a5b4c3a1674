/**
 * Analysis messages in istioctl analyze's shape: a level, a code (Istio's own where one exists,
 * MZA.... for checks only Mizzen makes), the resource it is about with file:line, and text from
 * the message type's template:
 *
 *   Error [IST0101] (VirtualService default/reviews reviews.yaml:14) Referenced host+subset in destinationrule not found: "reviews+v4"
 */

export type Level = 'Error' | 'Warning' | 'Info';

export const LEVEL_ORDER: Readonly<Record<Level, number>> = { Info: 0, Warning: 1, Error: 2 };

export interface MessageType {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
}

export const MessageTypes = {
  ReferencedResourceNotFound: { code: 'IST0101', name: 'ReferencedResourceNotFound', level: 'Error' },
  SchemaValidationError: { code: 'IST0106', name: 'SchemaValidationError', level: 'Error' },
  ConflictingMeshGatewayVirtualServiceHosts: { code: 'IST0109', name: 'ConflictingMeshGatewayVirtualServiceHosts', level: 'Error' },
  MultipleSidecarsWithoutWorkloadSelectors: { code: 'IST0111', name: 'MultipleSidecarsWithoutWorkloadSelectors', level: 'Error' },
  NoMatchingWorkloadsFound: { code: 'IST0127', name: 'NoMatchingWorkloadsFound', level: 'Warning' },
  VirtualServiceHostNotFoundInGateway: { code: 'IST0132', name: 'VirtualServiceHostNotFoundInGateway', level: 'Warning' },
  SchemaWarning: { code: 'IST0133', name: 'SchemaWarning', level: 'Warning' },
  DestinationRuleHostNotFound: { code: 'MZA0001', name: 'DestinationRuleHostNotFound', level: 'Warning' },
} as const satisfies Readonly<Record<string, MessageType>>;

export interface Origin {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface AnalysisMessage {
  readonly type: MessageType;
  readonly origin?: Origin;
  readonly file?: string;
  readonly line?: number;
  readonly text: string;
}

/** Go's %q for the strings these messages quote. */
export const q = (s: string): string => JSON.stringify(s);

export function formatMessage(m: AnalysisMessage): string {
  const ref = m.file !== undefined ? `${m.file}${m.line !== undefined ? `:${m.line}` : ''}` : '';
  const origin = m.origin ? ` (${m.origin.kind} ${m.origin.namespace}/${m.origin.name}${ref ? ` ${ref}` : ''})` : ref ? ` (${ref})` : '';
  return `${m.type.level} [${m.type.code}]${origin} ${m.text}`;
}

/** istioctl's `-o json` entry for a message. */
export function messageJson(m: AnalysisMessage): Record<string, unknown> {
  const ref = m.file !== undefined ? `${m.file}${m.line !== undefined ? `:${m.line}` : ''}` : undefined;
  return {
    code: m.type.code,
    level: m.type.level,
    ...(m.origin ? { origin: `${m.origin.kind} ${m.origin.namespace}/${m.origin.name}` } : {}),
    ...(ref ? { reference: ref } : {}),
    message: m.text,
    ...(m.type.code.startsWith('IST') ? { documentationUrl: `https://istio.io/latest/docs/reference/config/analysis/${m.type.code.toLowerCase()}/` } : {}),
  };
}
