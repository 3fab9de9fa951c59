using Mandate.Core.Storage;

namespace Mandate.Core.RateLimits;

/// <summary>Adds one to a rate-limit counter; <see cref="KeepUntil"/> is when the window's counter may be dropped.</summary>
public sealed record RateIncrement(string Key, DateTimeOffset KeepUntil) : IStoreChange;
