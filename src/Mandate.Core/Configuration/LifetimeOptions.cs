namespace Mandate.Core.Configuration;

/// <summary>How long issued credentials live. Expiry is in the path: nobody has to remember to rotate.</summary>
public sealed record LifetimeOptions
{
    /// <summary>Lifetime when neither the agent nor the policy asks for less. Default 5 minutes.</summary>
    public TimeSpan Default { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Global hard cap; no rule or agent setting can exceed it. Default 15 minutes.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(15);
}
