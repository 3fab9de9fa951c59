using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials.Federation;
using Mandate.Core.Keys;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Admin;

/// <summary>Signing keys on the admin socket: list them, and rotate them on demand (early, or after a suspected leak).</summary>
internal static class KeyAdminEndpoints
{
    public static void MapKeys(this RouteGroupBuilder admin)
    {
        admin.MapGetAndHead("/keys", ListAsync).NoQuery();
        admin.MapPost("/keys/rotate", RotateAsync).NoQuery();
    }

    private static async Task<IResult> ListAsync(HttpContext http, IMandateStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var keys = new List<KeyListing>();
        foreach (var ring in Rings(http.RequestServices))
        {
            keys.AddRange(KeyListing.Of(ring.Profile, await store.ListKeysAsync(ring.Profile.Purpose, ct), now));
        }

        return Results.Json(keys.Select(k => new
        {
            kid = k.Kid, purpose = k.Purpose, alg = k.Algorithm, node = k.Node, created = k.CreatedAt, signs_from = k.SignsFrom,
            retired = k.RetiredAt, publish_until = k.PublishUntil, state = k.State, published = k.Published,
        }));
    }

    private static async Task<IResult> RotateAsync(HttpRequest http, IMandateStore store, MandateOptions options, TimeProvider time, SecretVault vault, CancellationToken ct)
    {
        var (request, bodyProblem) = await AdminBody.ReadAsync<KeyRotationRequest>(http, ct);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (await AdminText.RefusalAsync(vault, ct, ("reason", request?.Reason), ("by", request?.By)) is { } textProblem)
        {
            return textProblem;
        }

        var rings = Rings(http.HttpContext.RequestServices);
        IReadOnlyList<KeyRing> chosen;
        if (request?.Purpose is not { } purpose)
        {
            chosen = rings.Where(r => r.Profile.Purpose is KeyPurposes.TokenSigning or KeyPurposes.TokenSigningRs256).ToList();
        }
        else if (!KeyPurposes.All.Contains(purpose, StringComparer.Ordinal))
        {
            return ProblemChecks.Problem(AdminChecks.KeyPurposeInvalid, "unknown key purpose", $"purpose must be one of {string.Join(", ", KeyPurposes.All)}; nothing was changed", StatusCodes.Status400BadRequest);
        }
        else if (rings.FirstOrDefault(r => r.Profile.Purpose == purpose) is { } ring)
        {
            chosen = [ring];
        }
        else
        {
            return ProblemChecks.Problem(AdminChecks.KeyPurposeUnavailable, "key purpose not rotatable here", Unavailable(purpose), StatusCodes.Status409Conflict);
        }

        var compromised = request?.Compromised == true;
        var rotations = new List<object>();
        foreach (var ring in chosen)
        {
            var result = await ring.RotateNowAsync(compromised, request?.By ?? "admin", request?.Reason, ct);
            var outstanding = compromised ? await OutstandingAsync(store, result.Distrusted, time.GetUtcNow() - (ring.Profile.Overlap ?? options.Lifetimes.Max), time.GetUtcNow(), ct) : null;
            rotations.Add(new
            {
                purpose = result.Purpose, outcome = result.Outcome, kid = result.Kid, signs_from = result.SignsFrom, distrusted = result.Distrusted,
                outstanding, node = options.Node,
            });
        }

        return Results.Json(new { compromised, rotations });
    }

    /// <summary>The rings this broker holds: the token keys always; RS256, federation and checkpoint keys when in use.</summary>
    private static List<KeyRing> Rings(IServiceProvider services)
    {
        var rings = new List<KeyRing> { services.GetRequiredService<SigningKeyRing>() };
        if (services.GetService<RsaTokenKeyRing>() is { } rsa)
        {
            rings.Add(rsa);
        }

        // Federation keys are made on first use: a broker that never signed a federation token has none to rotate.
        if (services.GetService<FederationKeyRing>() is { IsLoaded: true } federation)
        {
            rings.Add(federation);
        }

        if (services.GetService<AuditCheckpointKeyRing>() is { } checkpoints)
        {
            rings.Add(checkpoints);
        }

        return rings;
    }

    private static string Unavailable(string purpose) => purpose switch
    {
        KeyPurposes.TokenSigningRs256 => "no tool has signing_alg: RS256, so this broker has no RS256 token key; nothing was changed",
        KeyPurposes.FederationSigning => "this broker has not signed a federation token since it started, so it holds no federation key; nothing was changed",
        KeyPurposes.AuditCheckpoint => "audit.checkpoints.file is not set, so this broker has no checkpoint key; nothing was changed",
        _ => "SPIFFE keys are not rotated on demand: their successors reach workloads through the bundle, on the CA's own schedule; nothing was changed",
    };

    /// <summary>
    /// How many credentials and run tokens signed by <paramref name="kids"/> may still be live: the issuance and run records
    /// naming one of them whose expiry is still ahead; null when the store cannot say.
    /// </summary>
    private static async Task<int?> OutstandingAsync(IMandateStore store, IReadOnlyList<string> kids, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var set = new HashSet<string>(kids, StringComparer.Ordinal);
        var count = 0;
        try
        {
            foreach (var kind in new[] { AuditKinds.Issuance, AuditKinds.Run })
            {
                await foreach (var record in store.ReadAuditAsync(new AuditQuery { Kind = kind, Since = since }, ct))
                {
                    var evidence = record.Event.Evidence;
                    if (evidence.TryGetValue("kid", out var kid) && set.Contains(kid)
                        && evidence.TryGetValue("exp", out var exp) && long.TryParse(exp, out var seconds) && seconds > now.ToUnixTimeSeconds())
                    {
                        count++;
                    }
                }
            }

            return count;
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }
}
