using System.Text.Json.Serialization;

namespace Mandate.Server.WorkloadApi;

/// <summary>Body of <c>POST /v1/svid/jwt</c>: the audience the JWT-SVID is for (required).</summary>
internal sealed record JwtSvidRequest([property: JsonPropertyName("audience")] string? Audience);
