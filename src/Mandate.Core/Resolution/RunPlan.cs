using Mandate.Core.Runs;

namespace Mandate.Core.Resolution;

/// <summary>A run token request, resolved: start, renew or delegate, and what the run may do (its envelope).</summary>
public sealed record RunPlan(RunRequestMode Mode, RunEnvelope Envelope);
