using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Chat.Notifications.Storage;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>What one attempt at one push came to.</summary>
/// <param name="Status">The push service's HTTP status; null when there was no answer.</param>
public sealed record PushAttempt(int? Status, string? Error = null)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The service says the device (subscription, token) no longer exists: it is removed.</summary>
    public bool Gone => Status is 404 or 410;
}

/// <summary>The port a push goes out through, one adapter per platform (Web Push, FCM).</summary>
public interface IPushService
{
    string Platform { get; }

    Task<PushAttempt> SendAsync(Device device, string body, CancellationToken cancellationToken);
}

/// <summary>
/// RFC 8030 delivery: the body encrypted for the subscription (RFC 8291), VAPID authorization
/// (RFC 8292) and a TTL, POSTed to the subscription's endpoint.
/// </summary>
internal sealed class WebPushService(IHttpClientFactory http, VapidKeys vapid, IOptions<NotificationsOptions> options, TimeProvider clock) : IPushService
{
    public const string HttpClientName = "web-push";

    public string Platform => Device.WebPush;

    public async Task<PushAttempt> SendAsync(Device device, string body, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(device.Endpoint!);
        var encrypted = WebPushEncryption.Encrypt(Encoding.UTF8.GetBytes(body), Base64Url.DecodeFromChars(device.P256dh!.TrimEnd('=')), Base64Url.DecodeFromChars(device.Auth!.TrimEnd('=')));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(encrypted) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("Authorization", vapid.AuthorizationFor(endpoint, clock.GetUtcNow()));
        request.Headers.Add("TTL", ((long)options.Value.TimeToLive.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Urgency", "normal");
        return await PushHttp.SendAsync(http.CreateClient(HttpClientName), request, options.Value.Timeout, cancellationToken);
    }
}

internal static class PushHttp
{
    public static async Task<PushAttempt> SendAsync(HttpClient client, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            using var response = await client.SendAsync(request, limit.Token);
            return new PushAttempt((int)response.StatusCode, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new PushAttempt(null, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return new PushAttempt(null, e.Message);
        }
    }

    /// <summary>
    /// The push clients' <see cref="SocketsHttpHandler.ConnectCallback"/>: connects only to addresses the
    /// webhooks' rules allow (no loopback, private or link-local ones unless <c>Notifications:AllowInsecureTargets</c>),
    /// checked on the address actually called, so a name that later resolves inward (DNS rebinding) gets nowhere.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> GuardedConnect(IOptions<NotificationsOptions> options) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var insecure = options.Value.AllowInsecureTargets;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = addresses.Where(a => AddressRules.Refuse(host, a, insecure, insecure) is null).ToArray();
            if (allowed.Length == 0)
                throw new HttpRequestException(HttpRequestError.ConnectionError,
                    $"Refused to connect: {addresses.Select(a => AddressRules.Refuse(host, a, insecure, insecure)).FirstOrDefault() ?? $"'{host}' does not resolve."}");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
