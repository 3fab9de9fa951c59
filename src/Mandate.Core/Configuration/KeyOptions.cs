namespace Mandate.Core.Configuration;

/// <summary>Signing keys and the key-encryption key that seals them at rest.</summary>
public sealed record KeyOptions
{
    /// <summary>A new signing key is made when the active one is this old. Default 24 hours.</summary>
    public TimeSpan RotateEvery { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a new signing key is published before it signs, so that verifiers that cache the key set (for minutes, as
    /// most JWKS clients do) hold it before the first token it signs reaches them. Null: 10 minutes, or half of
    /// <see cref="RotateEvery"/> when that is shorter.
    /// </summary>
    public TimeSpan? PublishAhead { get; init; }

    /// <summary><see cref="PublishAhead"/>, or its default.</summary>
    public TimeSpan PublishAheadOrDefault => PublishAhead ?? TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(10).Ticks, RotateEvery.Ticks / 2));

    /// <summary>Environment variable holding the base64 256-bit key-encryption key. Default <c>MANDATE_KEK</c>.</summary>
    public string KekEnvironmentVariable { get; init; } = "MANDATE_KEK";

    /// <summary>
    /// File holding the base64 key-encryption key, used when the environment variable is unset.
    /// Default <c>{data_dir}/kek</c>, created with mode 0600 on first start when absent (development only).
    /// </summary>
    public string? KekFile { get; init; }
}
