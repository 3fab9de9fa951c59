namespace Mandate.Core.Resolution;

/// <summary>The three ways to ask for a run token.</summary>
public enum RunRequestMode
{
    /// <summary>The agent starts a run for a user (or for itself, as background work).</summary>
    Start,

    /// <summary>The run's own agent presents its run token to get a fresh one; the run stays the same.</summary>
    Renew,

    /// <summary>A sub-agent presents its parent's run token and gets a child run with no more authority.</summary>
    Delegate,
}
