using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Credentials.Federation;

/// <summary>
/// The RS256 keys that sign federation ID tokens: a purpose of their own (never the access-token key), because
/// every cloud accepts RS256 (Azure accepts only RSA) while Mandate's tokens are ES256. Each node creates one
/// RSA-2048 key on first use, sealed under the key-encryption key like the signing keys and rotated on their
/// schedule; all nodes' public keys are published together.
/// </summary>
public sealed class FederationKeys : IDisposable
{
    public const string Purpose = "federation-signing";
    public const string Algorithm = "RS256";
    private readonly IMandateStore _store;
    private readonly KeyEncryptionKey _kek;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private static readonly TimeSpan PublishSlack = TimeSpan.FromMinutes(1);
    private volatile FederationKeySet? _current;
    private SigningCredentials? _retired;

    public FederationKeys(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _kek = kek;
        _options = options;
        _time = time;
    }

    /// <summary>The issuer of federation tokens: Mandate's issuer plus <c>/federation</c>.</summary>
    public static string IssuerOf(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Issuer.TrimEnd('/') + "/federation";
    }

    /// <summary>
    /// The signing key and published JWKS. Created on first use and rotated on the signing keys' schedule
    /// (<c>keys.rotate_every</c>); a retired key stays published until every token it signed has expired.
    /// </summary>
    public async Task<FederationKeySet> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && !IsDue(current.CreatedAt))
        {
            return current;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } loaded && !IsDue(loaded.CreatedAt))
            {
                return loaded;
            }

            var stored = await _store.ListKeysAsync(Purpose, cancellationToken);
            var mine = stored.LastOrDefault(k => k.Node == _options.Node && k.RetiredAt is null);
            if (mine is null || IsDue(mine.CreatedAt))
            {
                mine = await CreateAsync(mine, cancellationToken);
                stored = await _store.ListKeysAsync(Purpose, cancellationToken);
            }

            // A request may still sign with the key it read a moment ago; free it one rotation later.
            (_retired?.Key as RsaSecurityKey)?.Rsa?.Dispose();
            _retired = _current?.Signing;
            _current = new FederationKeySet(Unseal(mine), ToJwks(stored, _time.GetUtcNow()), mine.CreatedAt);
            return _current;
        }
        finally
        {
            _lock.Release();
        }
    }

    private bool IsDue(DateTimeOffset createdAt) => _time.GetUtcNow() - createdAt >= _options.Keys.RotateEvery;

    private async Task<StoredKey> CreateAsync(StoredKey? previous, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
        var kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        var now = _time.GetUtcNow();
        var key = new StoredKey
        {
            Kid = kid,
            Purpose = Purpose,
            Algorithm = Algorithm,
            SealedPrivateKey = _kek.Seal(rsa.ExportPkcs8PrivateKey(), kid),
            PublicJwk = JsonSerializer.Serialize(new { kty = "RSA", n = jwk.N, e = jwk.E, kid, use = "sig", alg = Algorithm }),
            CreatedAt = now,
            Node = _options.Node,
        };
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["kid"] = kid, ["alg"] = Algorithm, ["purpose"] = Purpose };
        var changes = new List<StoredKey> { key };
        if (previous is not null)
        {
            // Federation tokens never outlive lifetimes.max.
            changes.Add(previous with { RetiredAt = now, PublishUntil = now + _options.Lifetimes.Max + PublishSlack });
            evidence["retired_kid"] = previous.Kid;
        }

        await _store.CommitAsync(new StoreBatch([.. changes, new AuditEvent { Kind = AuditKinds.KeyRotation, Time = now, Outcome = previous is null ? "created" : "rotated", Node = _options.Node, Evidence = evidence }]), cancellationToken);
        return key;
    }

    private SigningCredentials Unseal(StoredKey key)
    {
        var rsa = _kek.OpenRsa(key);
        // Own factory: the default one caches providers process-wide by kid (see SigningKey).
        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Kid, CryptoProviderFactory = new CryptoProviderFactory() }, SecurityAlgorithms.RsaSha256);
    }

    private static string ToJwks(IReadOnlyList<StoredKey> keys, DateTimeOffset now) =>
        "{\"keys\":[" + string.Join(',', keys.Where(k => k.PublishUntil is null || k.PublishUntil > now).Select(k => k.PublicJwk)) + "]}";

    public void Dispose()
    {
        (_current?.Signing.Key as RsaSecurityKey)?.Rsa?.Dispose();
        (_retired?.Key as RsaSecurityKey)?.Rsa?.Dispose();
        _lock.Dispose();
    }
}
