using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Notifications.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// FCM over its HTTP v1 API: <c>POST {FcmBaseUrl}/v1/projects/{project_id}/messages:send</c> with an
/// OAuth 2.0 access token, minted from the service account (<c>Notifications:FcmServiceAccount</c>)
/// by an RS256 JWT assertion to its <c>token_uri</c> (RFC 7523) and reused until shortly before it expires.
/// The push body's fields travel as the message's <c>data</c>.
/// </summary>
internal sealed class FcmService(IHttpClientFactory http, IOptions<NotificationsOptions> options, TimeProvider clock) : IPushService
{
    public const string HttpClientName = "fcm";
    private const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private (string Token, DateTimeOffset Until)? _token;

    public string Platform => Device.Fcm;

    public async Task<PushAttempt> SendAsync(Device device, string body, CancellationToken cancellationToken)
    {
        if (ServiceAccount() is not { } account) return new PushAttempt(null, "FCM is not configured (Notifications:FcmServiceAccount).");
        var client = http.CreateClient(HttpClientName);
        string token;
        try
        {
            token = await AccessTokenAsync(client, account, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException)
        {
            return new PushAttempt(null, "Could not get an FCM access token: " + e.Message);
        }
        var data = new JsonObject();
        foreach (var (name, value) in JsonNode.Parse(body)!.AsObject()) data[name] = value?.ToString(); // FCM data values are strings
        var message = new JsonObject { ["message"] = new JsonObject { ["token"] = device.Token, ["data"] = data } };
        var url = $"{options.Value.FcmBaseUrl.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(account.ProjectId)}/messages:send";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await PushHttp.SendAsync(client, request, options.Value.Timeout, cancellationToken);
    }

    private sealed record Account(string ClientEmail, string PrivateKeyPem, string TokenUri, string ProjectId);

    /// <summary>The service account: the setting is the JSON document itself, or the path of a file holding it.</summary>
    private Account? ServiceAccount()
    {
        var setting = options.Value.FcmServiceAccount;
        if (string.IsNullOrWhiteSpace(setting)) return null;
        var json = JsonNode.Parse(setting.TrimStart().StartsWith('{') ? setting : File.ReadAllText(setting))!;
        return new Account(json["client_email"]!.GetValue<string>(), json["private_key"]!.GetValue<string>(),
            json["token_uri"]?.GetValue<string>() ?? "https://oauth2.googleapis.com/token", json["project_id"]!.GetValue<string>());
    }

    private async Task<string> AccessTokenAsync(HttpClient client, Account account, CancellationToken ct)
    {
        await _tokenLock.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (_token is { } cached && cached.Until > now) return cached.Token;
            using var form = new FormUrlEncodedContent([
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", Assertion(account, now)),
            ]);
            using var response = await client.PostAsync(account.TokenUri, form, ct);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? throw new InvalidOperationException("The token endpoint answered null.");
            var token = answer["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException("The token endpoint's answer has no access_token.");
            var lifetime = TimeSpan.FromSeconds(answer["expires_in"]?.GetValue<int>() ?? 3600);
            _token = (token, now + lifetime - TimeSpan.FromMinutes(1));
            return token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>RFC 7523's JWT bearer assertion as Google asks for it: RS256, iss the service account, aud its token URI, one hour.</summary>
    private static string Assertion(Account account, DateTimeOffset now)
    {
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = account.ClientEmail, ["scope"] = Scope, ["aud"] = account.TokenUri,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        }.ToJsonString()));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(account.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{claims}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{claims}.{Base64Url.EncodeToString(signature)}";
    }
}
