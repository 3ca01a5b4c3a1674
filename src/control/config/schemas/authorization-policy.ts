/**
 * Schema for AuthorizationPolicy: selector or targetRef(s), action, provider and rules
 * (from.source, to.operation, when conditions), with Istio's checks on each.
 */
import { array, object } from '../schema/composites.ts';
import { enumOf, str } from '../schema/scalars.ts';
import type { Path, Reporter, Schema } from '../schema/schema.ts';
import type { AuthorizationPolicy, Condition, Operation, Rule, Source } from '../types/authorization-policy.ts';
import { cidr, targetRef, workloadSelector } from './common.ts';
import { conditionKeyProblem, conditionValueProblem } from './conditions.ts';
import { oneSelectorType } from './selection.ts';

const values = (): Schema<readonly string[]> => array(str({ nonEmpty: true }));
const ports = (): Schema<readonly string[]> => array(str({
  check: (p) => (/^\d{1,5}$/.test(p) && Number(p) <= 65535 ? undefined : 'expected a port number (as a string) from 0 to 65535'),
}));

const sourceFields = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;

const source = object<Source>('Source', {
  principals: values(), notPrincipals: values(), requestPrincipals: values(), notRequestPrincipals: values(),
  namespaces: values(), notNamespaces: values(), serviceAccounts: values(), notServiceAccounts: values(),
  ipBlocks: array(cidr()), notIpBlocks: array(cidr()), remoteIpBlocks: array(cidr()), notRemoteIpBlocks: array(cidr()),
}, {
  rules: [(s, path, r) => {
    if (!sourceFields.some((f) => s[f]?.length)) r.error(path, s, '`from.source` must not be empty');
    const accounts = s.serviceAccounts?.length || s.notServiceAccounts?.length;
    if (accounts && (s.principals?.length || s.notPrincipals?.length || s.namespaces?.length || s.notNamespaces?.length)) {
      r.error(path, s, 'serviceAccounts and notServiceAccounts cannot be combined with principals or namespaces');
    }
  }],
});

const operation = object<Operation>('Operation', {
  hosts: values(), notHosts: values(), ports: ports(), notPorts: ports(), methods: values(), notMethods: values(),
  paths: values(), notPaths: values(),
}, {
  rules: [(o, path, r) => {
    if (!Object.values(o).some((v: readonly string[]) => v.length > 0)) r.error(path, o, '`to.operation` must not be empty');
  }],
});

const condition = object<Condition>('Condition', {
  key: str({ check: conditionKeyProblem }), values: values(), notValues: values(),
}, {
  required: ['key'],
  rules: [(c, path, r) => {
    if (!c.values?.length && !c.notValues?.length) r.error(path, c, `at least one of values or notValues must be set for key ${c.key}`);
    for (const field of ['values', 'notValues'] as const) {
      c[field]?.forEach((v, i) => {
        const bad = conditionValueProblem(c.key, v);
        if (bad) r.error([...path, field, i], v, bad);
      });
    }
  }],
});

const rule = object<Rule>('Rule', {
  from: array(object<{ source: Source }>('Rule.From', { source }, { required: ['source'] }), { nonEmpty: true }),
  to: array(object<{ operation: Operation }>('Rule.To', { operation }, { required: ['operation'] }), { nonEmpty: true }),
  when: array(condition),
});

function actionRules(p: AuthorizationPolicy, path: Path, r: Reporter): void {
  const action = p.action ?? 'ALLOW';
  if (p.provider && action !== 'CUSTOM') r.error([...path, 'provider'], p.provider, `provider must not be set with action ${action}`);
  if (action === 'CUSTOM' && !p.provider) r.error([...path, 'provider'], undefined, 'provider.name is required with action CUSTOM');
  if ((action === 'CUSTOM' || action === 'DENY') && p.rules === undefined) {
    r.error([...path, 'rules'], undefined,
      `${action} action without rules is meaningless as it will never be triggered, add an empty rule {} if you want it triggered for every request`);
  }
}

export const authorizationPolicy = object<AuthorizationPolicy>('AuthorizationPolicy', {
  selector: workloadSelector, targetRef, targetRefs: array(targetRef), rules: array(rule),
  action: enumOf(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']),
  provider: object<{ name: string }>('Provider', { name: str({ nonEmpty: true }) }, { required: ['name'] }),
}, { rules: [oneSelectorType, actionRules] });
