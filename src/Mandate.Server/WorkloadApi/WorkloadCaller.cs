using Mandate.Core.Spiffe;

namespace Mandate.Server.WorkloadApi;

/// <summary>The outcome of attesting a caller of the workload endpoint: its entry, or why it gets nothing.</summary>
internal sealed record WorkloadCaller(PeerCredentials? Peer, ProcessAttributes? Process, RegistrationEntry? Entry, string? Refusal);
