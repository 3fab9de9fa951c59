namespace Mandate.Core.Storage;

/// <summary>One transition of <see cref="StoreHealth"/>.</summary>
/// <param name="Healthy">Writes are durable again (true) or fail (false).</param>
/// <param name="Cause">Why writes fail; <see cref="StoreFailureCause.Unknown"/> when healthy.</param>
/// <param name="Detail">The failure's message for the log; null when healthy.</param>
/// <param name="Since">When the transition was seen.</param>
public sealed record StoreHealthChange(bool Healthy, StoreFailureCause Cause, string? Detail, DateTimeOffset Since);
