using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Sockets that never read (issue 15, "slow consumers isolated"): they cost the reader nothing,
/// each is dropped once with one warning, and the connection gauge follows.
/// </summary>
public sealed class SlowConsumerTests
{
    private const int Stalled = 4;
    private const int QueueLength = 256;

    [Fact]
    public async Task Sockets_that_never_read_do_not_hold_up_a_reader_and_are_dropped_once_each_with_one_warning()
    {
        var logs = new LogRecorder();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Presence:SendQueueLength"] = $"{QueueLength}",
            // A Router batch lands in a queue at once: batches well under a queue, so only a socket that stalls can fill one.
            ["Router:MaxBatchSize"] = "50",
        },
            b => logs.AddTo(b.Logging));
        var alice = await server.Client().SignUpAsync("slowsender");
        var bob = await server.Client().SignUpAsync("slowreader");
        var stalledUsers = new List<ApiClient>();
        for (var i = 0; i < Stalled; i++) stalledUsers.Add(await server.Client().SignUpAsync($"stalled{i}"));
        var conversation = await alice.CreateConversationAsync("group", [bob.Username!, .. stalledUsers.Select(s => s.Username!)]);

        await using var reader = await ChatSocket.ConnectAsync(server.BaseAddress, bob);
        var stalled = new List<ClientWebSocket>();
        foreach (var user in stalledUsers) stalled.Add(await ConnectWithoutReadingAsync(server.BaseAddress, user.AccessToken!));
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        await Eventually.UntilAsync(() => anonymous.GetStringAsync("/metrics"), m => PrometheusText.Sum(m, "chat_websocket_connections") == 1 + Stalled,
            TimeSpan.FromSeconds(10), "the gauge to count the reader and the stalled sockets");

        // Fewer frames than a queue holds: the stalled sockets stay, and the reader has every message meanwhile.
        var text = new string('s', 4000);
        for (var i = 0; i < 8; i++) await alice.SendTextAsync(conversation, $"{i} {text}");
        var first = await reader.MessagesAsync(8);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), first.Select(m => m!["sequence_number"]!.GetValue<long>()));
        Assert.All(stalled, s => Assert.Equal(WebSocketState.Open, s.State));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("does not keep up"));

        // Then until each stalled socket is dropped (past its queue and the kernel's buffers, some MiB): the reader gets every one, in order.
        var sent = 8;
        while (Warnings(logs).Count < Stalled && sent < 3000)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async lane =>
            {
                for (var i = lane; i < 100; i += 4) await alice.SendTextAsync(conversation, $"{sent + i} {text}");
            }));
            sent += 100;
        }
        var rest = await reader.MessagesAsync(sent - 8, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(9, sent - 8).Select(i => (long)i), rest.Select(m => m!["sequence_number"]!.GetValue<long>()));

        await Eventually.UntilAsync(() => anonymous.GetStringAsync("/metrics"), m => PrometheusText.Sum(m, "chat_websocket_connections") == 1,
            TimeSpan.FromSeconds(20), "the gauge to count only the reader once the stalled sockets are dropped");
        foreach (var user in stalledUsers)
        {
            var warnings = Warnings(logs).Where(e => e.Message.Contains(user.Username!)).ToList();
            Assert.True(warnings.Count == 1, $"{user.Username}: {warnings.Count} warnings: {string.Join(" | ", warnings)}");
        }
        foreach (var user in stalledUsers)
            Assert.Equal("offline", (await alice.GetJsonAsync($"/v1/presence/{user.Username}"))["status"]!.GetValue<string>());
        // The dropped sockets are really gone: reading now finds the connection closed, not more frames forever.
        foreach (var socket in stalled) Assert.True(await IsClosedAsync(socket), "a stalled socket is still served");
        Assert.Equal(WebSocketState.Open, reader.State);
        await reader.SendAsync(new { type = "ping" });
        await reader.WaitForAsync(f => ChatSocket.Type(f) == "pong");
    }

    private static List<LogRecorder.Entry> Warnings(LogRecorder logs) =>
        logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("does not keep up")).ToList();

    /// <summary>A socket whose TCP receive buffer is a few KiB and which nobody ever reads.</summary>
    private static async Task<ClientWebSocket> ConnectWithoutReadingAsync(Uri server, string token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await client.ConnectAsync(new UriBuilder(server) { Scheme = "ws", Path = "/v1/ws" }.Uri, new HttpMessageInvoker(handler), CancellationToken.None);
        return client;
    }

    /// <summary>Drains what the kernel still holds; a dropped connection then ends (an exception or a close), a live one keeps sending.</summary>
    private static async Task<bool> IsClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close) return true;
            }
        }
        catch (WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            socket.Dispose();
        }
    }
}
