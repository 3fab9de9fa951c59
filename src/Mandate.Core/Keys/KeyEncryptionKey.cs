using System.Security.Cryptography;
using Mandate.Core.Configuration;

namespace Mandate.Core.Keys;

/// <summary>
/// The 256-bit key that seals private keys at rest with AES-256-GCM. The key id is the associated
/// data, so a sealed key cannot be moved to another row undetected.
/// </summary>
public sealed class KeyEncryptionKey : IDisposable
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly AesGcm _aes;

    // HKDF-Extract of the key (empty salt): subkeys are expanded from it, so the key itself is not kept in a second place.
    private readonly byte[] _prk;

    // AesGcm instances are not thread-safe, and the vault opens secrets on concurrent proxied calls.
    private readonly Lock _lock = new();

    public KeyEncryptionKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new MandateConfigException("the key-encryption key must be 32 bytes (base64 of 256 random bits)");
        }

        _aes = new AesGcm(key, TagSize);
        _prk = HKDF.Extract(HashAlgorithmName.SHA256, key);
    }

    /// <summary>Where the key came from, for start-up logs (never the key).</summary>
    public string Source { get; private init; } = "memory";

    /// <summary>
    /// Loads the key from the environment variable, else from the file; creates the file (mode 0600)
    /// with fresh random bytes when neither exists and <paramref name="mayGenerate"/>, which suits development and is
    /// logged as such. Nodes sharing a store pass false: each must be given the same key, never make its own.
    /// </summary>
    public static KeyEncryptionKey Load(KeyOptions options, Func<string, string?> getEnvironment, bool mayGenerate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(getEnvironment);
        var fromEnv = getEnvironment(options.KekEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return new KeyEncryptionKey(Decode(fromEnv, $"environment variable {options.KekEnvironmentVariable}")) { Source = $"env:{options.KekEnvironmentVariable}" };
        }

        var file = options.KekFile ?? throw new MandateConfigException($"no key-encryption key: set {options.KekEnvironmentVariable} or keys.kek_file");
        if (File.Exists(file))
        {
            return new KeyEncryptionKey(Decode(File.ReadAllText(file).Trim(), file)) { Source = $"file:{file}" };
        }

        if (!mayGenerate)
        {
            throw new MandateConfigException(
                $"no key-encryption key: every node sharing the PostgreSQL store needs the same one; set {options.KekEnvironmentVariable} or keys.kek_file (the file {file} does not exist) to the key the other nodes use, or for a first node generate one with: openssl rand -base64 32");
        }

        PrivateFile.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = RandomNumberGenerator.GetBytes(32);
        PrivateFile.WriteAllText(file, Convert.ToBase64String(key));
        return new KeyEncryptionKey(key) { Source = $"file:{file} (generated)" };
    }

    /// <summary>
    /// A subkey for one purpose (HKDF-SHA256, RFC 5869, with <paramref name="purpose"/> as the info label): every node
    /// holding this key-encryption key derives the same bytes, and nothing derived for one purpose reveals another's.
    /// </summary>
    public byte[] DeriveKey(string purpose, int length = 32)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 16);
        return HKDF.Expand(HashAlgorithmName.SHA256, _prk, length, System.Text.Encoding.UTF8.GetBytes(purpose));
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        lock (_lock)
        {
            _aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), System.Text.Encoding.UTF8.GetBytes(associatedData));
        }

        return output;
    }

    /// <summary>Opens a sealed blob. Throws <see cref="CryptographicException"/> when the key or data is wrong.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedData, string associatedData)
    {
        if (sealedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("sealed key is truncated");
        }

        var plaintext = new byte[sealedData.Length - NonceSize - TagSize];
        lock (_lock)
        {
            _aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plaintext, System.Text.Encoding.UTF8.GetBytes(associatedData));
        }

        return plaintext;
    }

    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_prk);
    }

    private static byte[] Decode(string base64, string where)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new MandateConfigException($"the key-encryption key in {where} is not base64; generate one with: openssl rand -base64 32");
        }
    }
}
