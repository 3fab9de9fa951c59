using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mandate.Server.WorkloadApi.SpiffeEndpoint;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// A gRPC client of the SPIFFE Workload API over a Unix socket, built from the method names and message types alone
/// (as any SPIFFE library calls /SpiffeWorkloadAPI/&lt;name&gt;), with or without the security header.
/// </summary>
internal sealed class SpiffeEndpointClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Grpc.Core.Metadata _headers;

    public SpiffeEndpointClient(string socketPath, bool securityHeader = true, string headerValue = "true")
    {
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = Mandate.Client.UnixSocketHttpClient.Handler(socketPath) });
        _invoker = _channel.CreateCallInvoker();
        _headers = securityHeader ? new Grpc.Core.Metadata { { "workload.spiffe.io", headerValue } } : [];
    }

    public AsyncServerStreamingCall<X509SVIDResponse> FetchX509Svid(CancellationToken ct = default) =>
        _invoker.AsyncServerStreamingCall(Streaming<X509SVIDRequest, X509SVIDResponse>("FetchX509SVID", X509SVIDResponse.Parser), null, Options(ct), new X509SVIDRequest());

    public AsyncServerStreamingCall<X509BundlesResponse> FetchX509Bundles(CancellationToken ct = default) =>
        _invoker.AsyncServerStreamingCall(Streaming<X509BundlesRequest, X509BundlesResponse>("FetchX509Bundles", X509BundlesResponse.Parser), null, Options(ct), new X509BundlesRequest());

    public AsyncServerStreamingCall<JWTBundlesResponse> FetchJwtBundles(CancellationToken ct = default) =>
        _invoker.AsyncServerStreamingCall(Streaming<JWTBundlesRequest, JWTBundlesResponse>("FetchJWTBundles", JWTBundlesResponse.Parser), null, Options(ct), new JWTBundlesRequest());

    public Task<JWTSVIDResponse> FetchJwtSvidAsync(JWTSVIDRequest request) =>
        _invoker.AsyncUnaryCall(Unary<JWTSVIDRequest, JWTSVIDResponse>("FetchJWTSVID", JWTSVIDResponse.Parser), null, Options(default), request).ResponseAsync;

    public Task<ValidateJWTSVIDResponse> ValidateJwtSvidAsync(string audience, string svid) =>
        _invoker.AsyncUnaryCall(Unary<ValidateJWTSVIDRequest, ValidateJWTSVIDResponse>("ValidateJWTSVID", ValidateJWTSVIDResponse.Parser), null, Options(default), new ValidateJWTSVIDRequest { Audience = audience, Svid = svid }).ResponseAsync;

    /// <summary>A DER sequence of certificates (leaf first, as the API sends chains and bundles).</summary>
    public static List<X509Certificate2> Certificates(ByteString der)
    {
        var certificates = new List<X509Certificate2>();
        var reader = new AsnReader(der.Memory, AsnEncodingRules.DER);
        while (reader.HasData)
        {
            certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadEncodedValue().Span));
        }

        return certificates;
    }

    /// <summary>The first message of a stream, or the call's status as an <see cref="RpcException"/>.</summary>
    public static async Task<T> FirstAsync<T>(AsyncServerStreamingCall<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended without a message");
        return call.ResponseStream.Current;
    }

    public void Dispose() => _channel.Dispose();

    private CallOptions Options(CancellationToken ct) => new(_headers, DateTime.UtcNow.AddSeconds(60), ct);

    private static Method<TRequest, TResponse> Streaming<TRequest, TResponse>(string name, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest> where TResponse : IMessage<TResponse> =>
        new(MethodType.ServerStreaming, "SpiffeWorkloadAPI", name, Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException()), Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom));

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest> where TResponse : IMessage<TResponse> =>
        new(MethodType.Unary, "SpiffeWorkloadAPI", name, Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException()), Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom));
}
