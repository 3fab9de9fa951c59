namespace Mandate.Server.Admin;

/// <summary>What the admin API tells the operator about a revocation: in force everywhere it says, and whether durable yet.</summary>
public static class RevocationStatus
{
    public const string Recorded = "revoked and recorded";

    public const string Pending = "revoked in this broker now; will be recorded when the store returns";
}
