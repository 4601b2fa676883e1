/** The parts of an import the cross-field rules look at (the DTO has checked each field). */
export interface AccountImport {
  holds: {
    holdId: string;
    category: string;
    incidentResolved?: boolean;
    requiredDocuments?: string[];
  }[];
  contracts: {
    contractId: string;
    startsAt: string;
    endsAt: string;
    entitlements: { code: string }[];
  }[];
  licenses: { licenseId: string; contractId: string; status: string; suspendedAt?: string }[];
}

/** Cross-field rules of an account import; returns every problem found (empty when valid). */
export function importProblems(account: AccountImport): string[] {
  const problems: string[] = [];
  const duplicates = (what: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) problems.push(`${what} ${id} is listed twice`);
      seen.add(id);
    }
  };
  duplicates(
    'hold',
    account.holds.map((h) => h.holdId),
  );
  duplicates(
    'contract',
    account.contracts.map((c) => c.contractId),
  );
  duplicates(
    'license',
    account.licenses.map((l) => l.licenseId),
  );

  for (const contract of account.contracts) {
    if (Date.parse(contract.endsAt) <= Date.parse(contract.startsAt)) {
      problems.push(`contract ${contract.contractId} must end after it starts`);
    }
    const codes = new Set<string>();
    for (const { code } of contract.entitlements) {
      if (codes.has(code))
        problems.push(`contract ${contract.contractId} grants entitlement ${code} twice`);
      codes.add(code);
    }
  }

  const contractIds = new Set(account.contracts.map((c) => c.contractId));
  for (const license of account.licenses) {
    if (!contractIds.has(license.contractId)) {
      problems.push(
        `license ${license.licenseId} refers to contract ${license.contractId}, not in this account`,
      );
    }
    if (license.suspendedAt !== undefined && license.status !== 'SUSPENDED') {
      problems.push(`license ${license.licenseId} has suspendedAt but is ${license.status}`);
    }
  }

  for (const hold of account.holds) {
    if (hold.incidentResolved !== undefined && hold.category !== 'TECHNICAL_INTERRUPTION') {
      problems.push(
        `hold ${hold.holdId}: incidentResolved applies to TECHNICAL_INTERRUPTION holds only`,
      );
    }
    if (hold.requiredDocuments !== undefined && hold.category !== 'COMPLIANCE_HOLD') {
      problems.push(`hold ${hold.holdId}: requiredDocuments applies to COMPLIANCE_HOLD holds only`);
    }
  }
  return problems;
}
