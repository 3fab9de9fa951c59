namespace Mandate.Client;

/// <summary>
/// Where an agent's workload identity (a JWT-SVID addressed to the broker) comes from: a SPIRE agent's
/// file, a Kubernetes projected token, a callback. Asked for on every exchange, so rotation is free.
/// </summary>
public interface IWorkloadIdentitySource
{
    /// <summary>The current identity token.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}
