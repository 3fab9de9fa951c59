namespace Mandate.Credentials.Postgres;

/// <summary>What one reaper pass did: roles dropped, drops that failed or wait for a retry, leases still live.</summary>
public sealed record DatabaseLeaseReaperResult(int Dropped, int Failed, int Live);
