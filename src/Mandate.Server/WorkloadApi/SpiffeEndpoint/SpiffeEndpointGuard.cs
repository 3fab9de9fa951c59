using Grpc.Core;
using Grpc.Core.Interceptors;
using Mandate.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.WorkloadApi.SpiffeEndpoint;

/// <summary>
/// What every call of the SPIFFE Workload API must pass before it runs (SPIFFE Workload Endpoint spec §3, §6): it came
/// over the endpoint socket, where the caller's peer credentials were read, and it carries the security header. A store
/// outage becomes <c>Unavailable</c> (retry with a backoff) with nothing issued.
/// </summary>
internal sealed class SpiffeEndpointGuard : Interceptor
{
    /// <summary>The path every method of the service lives under (the proto declares no package).</summary>
    public const string ServicePath = "/SpiffeWorkloadAPI";

    private const string SecurityHeader = "workload.spiffe.io";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        try
        {
            return await continuation(request, context);
        }
        catch (StoreUnavailableException e)
        {
            throw Unavailable(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (StoreUnavailableException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>On the endpoint socket, only the service answers: the broker's other routes are not served there.</summary>
    public static IApplicationBuilder UseSpiffeEndpointOnly(IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Features.Get<WorkloadConnection>() is { SpiffeEndpoint: true } && !http.Request.Path.StartsWithSegments(ServicePath, StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(http);
    });

    private static void Admit(ServerCallContext context)
    {
        if (context.GetHttpContext().Features.Get<WorkloadConnection>() is not { SpiffeEndpoint: true })
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "the SPIFFE Workload API is served only on the broker's spiffe.endpoint_socket"));
        }

        // §3: "MUST include the static gRPC metadata key workload.spiffe.io with a value of true (case sensitive)",
        // so a server-side request forgery that cannot set gRPC metadata gets nothing. §6: InvalidArgument, do not retry.
        if (context.RequestHeaders.Get(SecurityHeader) is not { IsBinary: false, Value: "true" })
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "security header missing from request: send the gRPC metadata workload.spiffe.io: true"));
        }
    }

    private static RpcException Unavailable(StoreUnavailableException e) =>
        new(new Status(StatusCode.Unavailable, e.Message + " Nothing was issued; retry with a backoff."));
}
