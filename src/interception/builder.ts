/**
 * The rule builder: an ordered recorder of append and insert calls for IPv4 and IPv6, as
 * istio-iptables' IptablesRuleBuilder works. IPv6 calls are dropped unless IPv6 is enabled.
 * A "versioned" rule substitutes a family-specific address into one placeholder parameter.
 */
import type { BuiltRule, RulePlan, Table } from './rule.ts';

/** Placeholder replaced by the family's own value in a versioned rule. */
export const IP_VERSION_SPECIFIC = '\u0000IP_VERSION_SPECIFIC';

export class RuleBuilder {
  private readonly v4: BuiltRule[] = [];
  private readonly v6: BuiltRule[] = [];
  private readonly ipv6: boolean;

  constructor(enableIPv6: boolean) {
    this.ipv6 = enableIPv6;
  }

  appendV4(chain: string, table: Table, ...params: string[]): void {
    this.v4.push({ table, chain, params: ['-A', chain, ...params] });
  }

  appendV6(chain: string, table: Table, ...params: string[]): void {
    if (this.ipv6) this.v6.push({ table, chain, params: ['-A', chain, ...params] });
  }

  append(chain: string, table: Table, ...params: string[]): void {
    this.appendV4(chain, table, ...params);
    this.appendV6(chain, table, ...params);
  }

  insertV4(chain: string, table: Table, position: number, ...params: string[]): void {
    this.v4.push({ table, chain, params: ['-I', chain, String(position), ...params] });
  }

  insertV6(chain: string, table: Table, position: number, ...params: string[]): void {
    if (this.ipv6) this.v6.push({ table, chain, params: ['-I', chain, String(position), ...params] });
  }

  insert(chain: string, table: Table, position: number, ...params: string[]): void {
    this.insertV4(chain, table, position, ...params);
    this.insertV6(chain, table, position, ...params);
  }

  /** Appends to both families, with `ipv4`/`ipv6` in place of IP_VERSION_SPECIFIC. */
  appendVersioned(ipv4: string, ipv6: string, chain: string, table: Table, ...params: string[]): void {
    this.appendV4(chain, table, ...params.map((p) => (p === IP_VERSION_SPECIFIC ? ipv4 : p)));
    this.appendV6(chain, table, ...params.map((p) => (p === IP_VERSION_SPECIFIC ? ipv6 : p)));
  }

  build(): RulePlan {
    return Object.freeze({ ipv4: Object.freeze([...this.v4]), ipv6: Object.freeze([...this.v6]) });
  }
}
