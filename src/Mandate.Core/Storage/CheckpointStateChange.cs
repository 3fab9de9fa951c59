namespace Mandate.Core.Storage;

/// <summary>The WAL's checkpoints became blocked (e.g. by a long reader) or cleared; <paramref name="WalBytes"/> is its size then.</summary>
public sealed record CheckpointStateChange(bool Blocked, long WalBytes);
