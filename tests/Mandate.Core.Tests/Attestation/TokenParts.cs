namespace Mandate.Core.Tests.Attestation;

/// <summary>The JOSE header and claims of a token under construction.</summary>
internal sealed record TokenParts(Dictionary<string, object> Header, Dictionary<string, object> Payload);
