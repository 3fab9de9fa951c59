using Mandate.Core.Spiffe;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// The outcome of attesting a caller of the workload endpoint: its entry, or why it gets nothing. A caller can match an
/// entry and still be refused (its agent is disabled): the entry then attributes the refusal, and only
/// <see cref="Entitled"/> may be issued to.
/// </summary>
internal sealed record WorkloadCaller(PeerCredentials? Peer, ProcessAttributes? Process, RegistrationEntry? Entry, string? Refusal)
{
    /// <summary>The refusal's check id, sent as <c>check_id</c>.</summary>
    public string CheckId { get; init; } = WorkloadChecks.NoEntry;

    /// <summary>The entry SVIDs may be issued for: none while there is a refusal.</summary>
    public RegistrationEntry? Entitled => Refusal is null ? Entry : null;
}
