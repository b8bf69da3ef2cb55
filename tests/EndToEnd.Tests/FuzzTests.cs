using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chat.EndToEnd.Tests.Fuzzing;
using Chat.Shared.Kafka;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 15, "fuzzing in the suite": a corpus generated from the OpenAPI document the Host serves
/// and the frame schemas in docs/frames, sent at the REST API and the WebSocket with the rate
/// limits raised (no answer may be a 429). Every answer is a 4xx problem naming a field, or an
/// <c>error</c> frame; nothing is stored; the Host works as before afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const string Admin = "fuzzadmin";

    [Fact]
    public async Task A_generated_corpus_of_bad_requests_and_frames_is_refused_naming_a_field_and_changes_nothing()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:AuthRequestsPerMinute"] = "100000000",
            ["Auth:LoginFailuresPerUsername"] = "100000000",
            ["Auth:LoginFailuresPerAddress"] = "100000000",
            ["Auth:PasswordHashCost"] = "4",
            ["Auth:Admins:0"] = Admin,
        });
        // "alice" is the name the examples use, so a register that got through would still be refused as taken.
        var alice = await server.Client().SignUpAsync("alice");
        var bob = await server.Client().SignUpAsync("bob");
        var admin = await server.Client().SignUpAsync(Admin);
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        var message = await alice.SendTextAsync(conversation, "before the fuzz");
        // A sync frame's epoch must be the real one, so that its other fields' bad values are what the server refuses.
        var epoch = JsonNode.Parse(await alice.Http.GetStringAsync($"/v1/conversations/{conversation}/messages"))!["epoch"]!.GetValue<string>();
        var realValues = new Dictionary<string, JsonNode>
        {
            ["username"] = "alice", ["from"] = "alice", ["to"] = new JsonArray("bob"), ["members"] = new JsonArray("alice", "bob"),
            ["conversation_id"] = conversation, ["conversationId"] = conversation, ["message_id"] = message, ["messageId"] = message, ["channel"] = "telegram",
            ["epoch"] = epoch,
        };
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var rest = RestCorpus.From(JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!, realValues);
        var frames = FrameCorpus.From(FrameSchemas.Directory, realValues);
        Assert.True(rest.Count + frames.Count >= 500, $"only {rest.Count} requests and {frames.Count} frames");
        var before = await SnapshotAsync(server, alice);
        var clock = Stopwatch.StartNew();

        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(rest, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (bad, ct) =>
        {
            // Logout with a token ends that session (the token is revoked): its cases go without one, so alice stays signed in.
            var caller = bad.Path == "/v1/auth/logout" ? null : bad.Caller;
            if (await CheckAsync(anonymous, bad, caller switch { "user" => alice.AccessToken, "admin" => admin.AccessToken, _ => null }) is { } failure)
                failures.Enqueue($"{bad}: {failure}");
        });
        await alice.Http.DeleteAsync($"/v1/conversations/{conversation}/archive"); // the valid empty-body archive cases above
        var socket = await ConnectedAsync(server, bob);
        try
        {
            foreach (var bad in frames)
            {
                if (await CheckAsync(socket, bad) is { } failure) failures.Enqueue($"frame {bad}: {failure}");
                if (socket.State != WebSocketState.Open)
                {
                    await socket.DisposeAsync();
                    socket = await ConnectedAsync(server, bob);
                }
            }
        }
        finally
        {
            await socket.DisposeAsync();
        }
        Assert.True(failures.IsEmpty, $"{failures.Count} of {rest.Count} requests and {frames.Count} frames were not refused as they should be:\n" +
                                      string.Join("\n", failures.Take(150)));

        Assert.Equal(before, await SnapshotAsync(server, alice));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        await using var listening = await ConnectedAsync(server, bob);
        var after = await alice.SendTextAsync(conversation, "after the fuzz");
        Assert.Equal(after, (await listening.MessagesAsync(1))[0]["message_id"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the corpus took {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>Why the answer to a bad request is not a 4xx problem naming a field; null when it is.</summary>
    private static async Task<string?> CheckAsync(HttpClient http, RestCase bad, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(bad.Method), bad.Path);
        if (bad.Body is not null)
            request.Content = new ByteArrayContent(bad.Body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(bad.ContentType) } };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            return "no answer: " + e.Message;
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var shown = text.Length > 160 ? text[..160] + "…" : text;
            // Revoking a token that is not one is no error (RFC 7009, 2.2): logout answers 204 to any string.
            if (status == 204 && bad.Path == "/v1/auth/logout" && (bad.Name.Contains("look-alike") || bad.Name.Contains("200 KiB"))) return null;
            // Archiving takes an optional body: an empty object is a valid request (the test unarchives after the corpus).
            if (status == 204 && bad.Method == "PUT" && bad.Path.EndsWith("/archive", StringComparison.Ordinal) && bad.Name.Contains("empty object")) return null;
            // A batch answers each item on its own (207): refused means every item refused with a 4xx problem naming a field.
            if (status == 207 && bad.Path == "/v1/messages/batch")
                return JsonNode.Parse(text)?["items"]?.AsArray() is { Count: > 0 } items && items.All(i => i?["status"]?.GetValue<string>() == "refused"
                    && i["problem"]?["status"]?.GetValue<int>() is >= 400 and < 500 and not 429 && i["problem"]?["errors"] is JsonObject { Count: > 0 })
                    ? null : $"{status} with an item accepted or refused naming no field: {shown}";
            if (status is < 400 or >= 500 || status == 429) return $"{status} {shown}";
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{status} as {response.Content.Headers.ContentType}: {shown}";
            var errors = JsonNode.Parse(text)?["errors"] as JsonObject;
            return errors is { Count: > 0 } ? null : $"{status} names no field: {shown}";
        }
    }

    /// <summary>Why the answer to a bad frame is not an <c>error</c> frame (or, for invalid UTF-8, a 1007 close); null when it is.</summary>
    private static async Task<string?> CheckAsync(ChatSocket socket, FrameCase bad)
    {
        await socket.SendBytesAsync(bad.Bytes, bad.Binary);
        if (bad.FailsTheConnection)
        {
            await Eventually.UntilAsync(() => socket.State != WebSocketState.Open, TimeSpan.FromSeconds(10), "the server to fail the connection");
            return socket.CloseStatus == WebSocketCloseStatus.InvalidPayloadData ? null : $"closed with {socket.CloseStatus}, not 1007";
        }
        JsonNode answer;
        try
        {
            answer = await socket.NextAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException e)
        {
            return e.Message;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return $"the server closed the socket ({socket.CloseStatus})";
        }
        return ChatSocket.Type(answer) == "error" ? null : "answered " + answer.ToJsonString();
    }

    /// <summary>A socket whose backlog is taken, so the next frame it gets answers the next frame it sends.</summary>
    private static async Task<ChatSocket> ConnectedAsync(ChatServer server, ApiClient user)
    {
        var socket = await ChatSocket.ConnectAsync(server.BaseAddress, user);
        await socket.SendAsync(new { type = "ping" });
        await socket.WaitForAsync(f => ChatSocket.Type(f) == "pong");
        return socket;
    }

    /// <summary>What a stored change would show: every topic but presence (sockets come and go), alice's conversations, history, webhooks, channels.</summary>
    private static async Task<string> SnapshotAsync(ChatServer server, ApiClient alice)
    {
        var topics = Topics.All.Where(t => t != Topics.Presence).Select(t => $"{t}={KafkaProbe.RecordCount(server.BootstrapServers, t)}");
        var conversations = (await alice.GetJsonAsync("/v1/conversations")).ToJsonString();
        var history = string.Join(",", (await alice.HistoryAsync((await alice.GetJsonAsync("/v1/conversations"))["items"]![0]!["conversation_id"]!.GetValue<string>()))
            .Select(m => m["message_id"]!.GetValue<string>()));
        var webhooks = (await alice.GetJsonAsync("/v1/webhooks")).ToJsonString();
        var channels = (await alice.GetJsonAsync("/v1/users/alice/channels")).ToJsonString();
        return string.Join("\n", [.. topics, conversations, history, webhooks, channels]);
    }
}
