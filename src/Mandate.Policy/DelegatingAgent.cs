namespace Mandate.Policy;

/// <summary>
/// An agent up a sub-agent's delegation chain, placed in its own run at its own delegation depth (0 for the root run's
/// agent): the broker decides a sub-agent's request again for each of them, as that agent in that run.
/// </summary>
/// <param name="Agent">The delegating agent's SPIFFE ID.</param>
/// <param name="Run">The run the agent delegated from.</param>
/// <param name="Depth">That run's delegation depth.</param>
public sealed record DelegatingAgent(string Agent, string Run, int Depth);
