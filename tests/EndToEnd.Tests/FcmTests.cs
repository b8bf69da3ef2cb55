using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.EndToEnd.Tests;

/// <summary>Issue 20: FCM HTTP v1 behind the same port, against a fake OAuth token endpoint and a fake FCM.</summary>
public sealed class FcmTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_offline_users_fcm_device_gets_a_v1_send_with_a_bearer_token_minted_from_the_service_account()
    {
        using var key = RSA.Create(2048);
        var tokens = new ConcurrentQueue<string>();
        var sends = new ConcurrentQueue<(string Project, string? Bearer, JsonNode Body)>();
        Uri? tokenUrl = null;
        var (fake, address) = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !ValidAssertion(form["assertion"].ToString(), key, tokenUrl!))
                    return Results.BadRequest();
                var token = "ya29." + Guid.NewGuid().ToString("N");
                tokens.Enqueue(token);
                return Results.Json(new { access_token = token, expires_in = 3600, token_type = "Bearer" });
            });
            app.MapPost("/v1/projects/{project}/messages:send", async (string project, HttpRequest request) =>
            {
                var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
                sends.Enqueue((project, request.Headers.Authorization.ToString(), body));
                return Results.Json(new { name = $"projects/{project}/messages/1" });
            });
        });
        await using var _ = fake;
        tokenUrl = new Uri(address, "/token");
        var account = new JsonObject
        {
            ["type"] = "service_account", ["project_id"] = "chat-test", ["client_email"] = "push@chat-test.iam.gserviceaccount.com",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(), ["token_uri"] = tokenUrl.ToString(),
        };
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:FcmServiceAccount"] = account.ToJsonString(), ["Notifications:FcmBaseUrl"] = address.ToString(),
        });
        var alice = await server.Client().SignUpAsync("alicefcm");
        var bob = await server.Client().SignUpAsync("bobfcm");
        await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync("/v1/devices/android", new { platform = "fcm", token = "fcm-token-of-bob" }, ApiClient.Json),
            HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", "bobfcm");

        var id = await alice.SendTextAsync(conversation, "ping over fcm");

        await Eventually.UntilAsync(() => !sends.IsEmpty, Deadline, "the FCM send");
        var (project, bearer, sent) = sends.Single();
        Assert.Equal("chat-test", project);
        Assert.Equal("Bearer " + tokens.Single(), bearer);
        var message = sent["message"]!;
        Assert.Equal("fcm-token-of-bob", message["token"]!.GetValue<string>());
        Assert.Equal((conversation, id, "alicefcm", "ping over fcm"), (message["data"]!["conversation_id"]!.GetValue<string>(),
            message["data"]!["message_id"]!.GetValue<string>(), message["data"]!["from"]!.GetValue<string>(), message["data"]!["preview"]!.GetValue<string>()));
    }

    /// <summary>RFC 7523 as Google checks it: RS256 by the service account's key, for its token URI, asking for the messaging scope.</summary>
    private static bool ValidAssertion(string jwt, RSA key, Uri tokenUrl)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return false;
        var signed = key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        return signed && header["alg"]!.GetValue<string>() == "RS256" && claims["aud"]!.GetValue<string>() == tokenUrl.ToString()
            && claims["iss"]!.GetValue<string>() == "push@chat-test.iam.gserviceaccount.com"
            && claims["scope"]!.GetValue<string>() == "https://www.googleapis.com/auth/firebase.messaging"
            && DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>()) > DateTimeOffset.UtcNow;
    }
}
