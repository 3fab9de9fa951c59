namespace Mandate.Core.Configuration;

/// <summary>How long runs and their run tokens live.</summary>
public sealed record RunOptions
{
    /// <summary>Lifetime of one run token; renewable while the run is open. Default 15 minutes.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A run ends by itself this long after it started, renewals or not. Default 8 hours.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(8);
}
