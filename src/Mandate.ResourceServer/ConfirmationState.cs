using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.ResourceServer;

/// <summary>
/// Sender constraint (RFC 8705 §3, RFC 9449 §7): a credential with a <c>cnf</c> claim is accepted only from its holder.
/// Returns how the credential was bound (<c>bearer</c>, <c>mtls</c>, <c>dpop</c>) or throws <see cref="MandateTokenFailure"/>.
/// </summary>
internal sealed class ConfirmationState
{
    public const string Bearer = "bearer";

    /// <summary>Whether this build verifies DPoP proofs (and so offers the DPoP scheme in challenges).</summary>
    public static readonly bool SupportsDpop;

    public static bool HasConfirmation(JsonWebToken token) => token.TryGetPayloadValue<System.Text.Json.JsonElement>("cnf", out _);

    public static Task<string> CheckAsync(HttpContext http, JsonWebToken token, PresentedCredential presented, MandateTokenState.Entry state, TimeProvider time)
    {
        if (!HasConfirmation(token))
        {
            if (presented.IsDpop)
            {
                // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound credentials only.
                throw MandateTokenFailure.Token("this credential is not DPoP-bound; present it as 'Authorization: Bearer <credential>'");
            }

            return Task.FromResult(Bearer);
        }

        // Fail closed: a bound credential whose binding cannot be verified here must not be accepted as a bearer credential.
        throw MandateTokenFailure.Token("the credential is sender-constrained (cnf) and this service cannot verify the binding; refused");
    }
}
