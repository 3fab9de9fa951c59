using Mandate.Core.Audit.Checkpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Endpoints;

/// <summary>
/// GET /audit/jwks: the public keys that verify signed audit checkpoints (every node's, retired ones too while
/// <see cref="AuditCheckpoint.KeyPublishedFor"/> lasts), kept out of the token JWKS at <c>jwks_uri</c> so that no
/// relying party that trusts Mandate's access tokens trusts a checkpoint key too.
/// </summary>
public static class AuditJwksEndpoint
{
    public const string Path = "/audit/jwks";

    /// <summary>The answer when <c>audit.checkpoints.file</c> is not set: a key set, as <c>/federation/jwks</c> always is, with no key in it.</summary>
    public const string NoKeys = "{\"keys\":[]}";

    public static IResult Handle(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        // As the token JWKS: a rotated checkpoint key is published before it signs, and a retired one stays for years.
        var keys = http.RequestServices.GetService<AuditCheckpointKeyRing>();
        return MetadataEndpoints.KeySet(http, keys is null ? NoKeys : keys.Current.JwksJson);
    }
}
