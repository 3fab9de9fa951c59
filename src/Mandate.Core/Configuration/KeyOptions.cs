namespace Mandate.Core.Configuration;

/// <summary>Signing keys and the key-encryption key that seals them at rest.</summary>
public sealed record KeyOptions
{
    /// <summary>A new signing key is made when the active one is this old. Default 24 hours.</summary>
    public TimeSpan RotateEvery { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Environment variable holding the base64 256-bit key-encryption key. Default <c>MANDATE_KEK</c>.</summary>
    public string KekEnvironmentVariable { get; init; } = "MANDATE_KEK";

    /// <summary>
    /// File holding the base64 key-encryption key, used when the environment variable is unset.
    /// Default <c>{data_dir}/kek</c>, created with mode 0600 on first start when absent (development only).
    /// </summary>
    public string? KekFile { get; init; }
}
