using Mandate.Core.Protocol;

namespace Mandate.Core.Grants;

/// <summary>One grant of the token endpoint. The dispatcher asks each handler whether a request is its own.</summary>
public interface IGrantHandler
{
    /// <summary>True when <paramref name="request"/> is this grant's (by grant_type and, for exchanges, requested_token_type).</summary>
    bool Accepts(TokenRequest request);

    /// <summary>Runs the grant's stages: the response, or the refusal with its check id.</summary>
    ValueTask<Result<TokenResponse>> HandleAsync(TokenRequest request, CancellationToken cancellationToken);
}
