using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>
/// ES256 signing keys: generated on first start, sealed in the store, rotated on schedule. A retired
/// key stays in the JWKS until every token it signed has expired (retired + the longer of lifetimes.max
/// and runs.token_lifetime + skew).
/// Each node signs with its own key; all nodes' live public keys are published together.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    public const string Purpose = "token-signing";
    private static readonly TimeSpan PublishSlack = TimeSpan.FromMinutes(1);

    private readonly IMandateStore _store;
    private readonly KeyEncryptionKey _kek;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _rotateLock = new(1, 1);
    private volatile KeySet? _current;
    private SigningKey? _retired;

    public SigningKeyRing(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _kek = kek;
        _options = options;
        _time = time;
    }

    /// <summary>The current keys. Throws before <see cref="RefreshAsync"/> has run once.</summary>
    public KeySet Current => _current ?? throw new InvalidOperationException("signing keys are not loaded yet");

    /// <summary>Loads keys from the store, rotating first when this node has no key or its key is due.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _rotateLock.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var stored = await _store.ListKeysAsync(Purpose, cancellationToken);
            var mine = stored.LastOrDefault(k => k.Node == _options.Node && k.RetiredAt is null);
            if (mine is null || now - mine.CreatedAt >= _options.Keys.RotateEvery)
            {
                string kid;
                (stored, kid) = await RotateAsync(mine, now, cancellationToken);

                // By kid, not position: another node's key may sort after ours (same instant, or its clock runs ahead).
                mine = stored.Single(k => k.Kid == kid);
            }

            if (_current?.Active.Kid != mine.Kid)
            {
                // A request may still be signing with the old key it read a moment ago; free it one rotation later.
                _retired?.Dispose();
                _retired = _current?.Active;
                _current = Build(new SigningKey(mine.Kid, _kek.OpenEcdsa(mine), mine.CreatedAt), stored, now);
            }
            else
            {
                // A new KeySet, not 'with': ByKid is computed when a KeySet is constructed and 'with' would copy it stale.
                _current = Build(_current.Active, stored, now);
            }
        }
        finally
        {
            _rotateLock.Release();
        }
    }

    private async Task<(IReadOnlyList<StoredKey> Stored, string Kid)> RotateAsync(StoredKey? previous, DateTimeOffset now, CancellationToken ct)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa));
        var kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        var publicJwk = JsonSerializer.Serialize(new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = "sig", alg = "ES256" });
        var key = new StoredKey
        {
            Kid = kid,
            Purpose = Purpose,
            Algorithm = "ES256",
            SealedPrivateKey = _kek.Seal(ecdsa.ExportPkcs8PrivateKey(), kid),
            PublicJwk = publicJwk,
            CreatedAt = now,
            Node = _options.Node,
        };
        var changes = new List<StoredKey> { key };
        if (previous is not null)
        {
            // Run tokens are signed with the same key and may outlive every credential.
            var longest = _options.Lifetimes.Max > _options.Runs.TokenLifetime ? _options.Lifetimes.Max : _options.Runs.TokenLifetime;
            changes.Add(previous with { RetiredAt = now, PublishUntil = now + longest + PublishSlack });
        }

        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["kid"] = kid, ["alg"] = "ES256" };
        if (previous is not null)
        {
            evidence["retired_kid"] = previous.Kid;
        }

        await _store.CommitAsync(new StoreBatch([.. changes, new AuditEvent { Kind = AuditKinds.KeyRotation, Time = now, Outcome = "rotated", Node = _options.Node, Evidence = evidence }]), ct);
        return (await _store.ListKeysAsync(Purpose, ct), kid);
    }

    private static KeySet Build(SigningKey active, IReadOnlyList<StoredKey> stored, DateTimeOffset now)
    {
        var published = Publishable(stored, now);
        return new KeySet(active, published, ToJwks(published));
    }

    private static List<JsonWebKey> Publishable(IReadOnlyList<StoredKey> stored, DateTimeOffset now) =>
        stored.Where(k => k.PublishUntil is null || k.PublishUntil > now).Select(k => new JsonWebKey(k.PublicJwk)).ToList();

    private static string ToJwks(IReadOnlyList<JsonWebKey> keys) =>
        JsonSerializer.Serialize(new
        {
            keys = keys.Select(k => new { kty = k.Kty, crv = k.Crv, x = k.X, y = k.Y, kid = k.Kid, use = k.Use, alg = k.Alg }),
        });

    public void Dispose()
    {
        _current?.Active.Dispose();
        _retired?.Dispose();
        _rotateLock.Dispose();
    }
}
