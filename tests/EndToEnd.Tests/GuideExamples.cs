using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// The C# examples of docs/api-guide.md, compiled here so they are known to build, and called by
/// <see cref="GuideExampleTests"/> so they are known to work. The guide shows each method without
/// its <c>public</c>; the test fails if the guide's text and this file's differ.
/// </summary>
internal static class GuideExamples
{
    // guide: docs/api-guide.md
    public static async Task<string> LogInAsync(HttpClient http, string username, string password)
    {
        using var answer = await http.PostAsync("/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = username, ["password"] = password,
        }));
        answer.EnsureSuccessStatusCode();
        var tokens = await answer.Content.ReadFromJsonAsync<JsonElement>();
        return tokens.GetProperty("access_token").GetString()!;
    }

    // guide: docs/api-guide.md
    public static async Task<string> SendAsync(HttpClient http, string conversationId, string from, string text)
    {
        var messageId = Guid.NewGuid().ToString();
        using var sent = await http.PostAsJsonAsync("/v1/messages", new
        {
            message_id = messageId, conversation_id = conversationId, from, payload = new { type = "text", text },
        });
        sent.EnsureSuccessStatusCode(); // 202: on the message log
        for (var i = 0; i < 50; i++)
        {
            var status = await http.GetFromJsonAsync<JsonElement>($"/v1/messages/{messageId}/status");
            if (status.GetProperty("status").GetString() != "accepted") return status.GetProperty("status").GetString()!;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{messageId} was not stored");
    }

    // guide: docs/api-guide.md
    public static async Task<JsonElement> ReceiveOneAsync(Uri chatUrl, string token, CancellationToken cancel)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var url = new UriBuilder(new Uri(chatUrl, "/v1/ws")) { Scheme = chatUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(url, cancel);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var frame = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await socket.ReceiveAsync(buffer, cancel);
                frame.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            var json = JsonDocument.Parse(frame.ToArray()).RootElement;
            if (json.GetProperty("type").GetString() != "message.new") continue;
            var message = json.GetProperty("message");
            var ack = JsonSerializer.SerializeToUtf8Bytes(new { type = "ack", message_id = message.GetProperty("message_id").GetString() });
            await socket.SendAsync(ack, WebSocketMessageType.Text, endOfMessage: true, cancel);
            return message;
        }
    }

    // guide: docs/api-guide.md
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp)) > 300) return false;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"))));
        return signatureHeader.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
