using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chat.Presence;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// docs/api.md is the contract: it must name every operation the Host serves and every frame type
/// the gateway speaks, and nothing else (its "How to read this file" says how it is written).
/// </summary>
public sealed partial class ApiDocumentTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private const string ClientFramesSection = "WebSocket frames: client → server";
    private const string ServerFramesSection = "WebSocket frames: server → client";

    /// <summary>Operational endpoints, described in api.md's prose rather than as operations.</summary>
    private static readonly string[] Operational = ["/health", "/metrics", "/openapi", "/api-docs"];

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private static readonly Lazy<ApiDocument> Document = new(() => ApiDocument.Read(Path.Combine(RepositoryRoot.Path, "docs", "api.md")));

    [Fact]
    public async Task Every_operation_in_the_OpenAPI_document_is_documented_and_every_documented_one_exists()
    {
        var openApi = await Server.Client().GetJsonAsync("/openapi/v1.json");
        var served = openApi["paths"]!.AsObject()
            .Where(path => !Operational.Any(prefix => path.Key.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(path => path.Value!.AsObject().Select(operation => Operation(operation.Key, path.Key)))
            .ToHashSet();
        Assert.NotEmpty(served);

        var documented = Document.Value.Operations.Select(o => Operation(o.Method, o.Path)).ToHashSet();
        var undocumented = served.Except(documented).Order().ToList();
        var missing = documented.Except(served).Order().ToList();
        Assert.True(undocumented.Count == 0 && missing.Count == 0,
            (undocumented.Count > 0 ? $"In /openapi/v1.json but not documented in docs/api.md (add a \"### `METHOD /path`\" section): {string.Join(", ", undocumented)}. " : "")
            + (missing.Count > 0 ? $"Documented in docs/api.md but not served: {string.Join(", ", missing)}." : ""));
    }

    [Fact]
    public void Every_frame_type_in_the_code_is_documented_with_a_schema_and_no_other()
    {
        Assert.Equal(FrameTypes.ServerToClient.Order(), Document.Value.FramesIn(ServerFramesSection).Order());
        Assert.Equal(FrameTypes.ClientToServer.Order(), Document.Value.FramesIn(ClientFramesSection).Order());
        Assert.Equal(FrameTypes.ServerToClient.Order(), FrameSchemas.ServerTypes.Order());
        Assert.Equal(FrameTypes.ClientToServer.Order(), FrameSchemas.ClientTypes.Order());
    }

    /// <summary>Holds <see cref="FrameTypes.ClientToServer"/> to what the gateway really reads.</summary>
    [Fact]
    public async Task The_gateway_handles_each_documented_client_frame_type_and_refuses_any_other()
    {
        var user = await Server.Client().SignUpAsync("docsframes");
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, user);
        foreach (var type in Document.Value.FramesIn(ClientFramesSection))
        {
            await socket.SendAsync(new { type });
            var answer = await socket.NextAsync(Deadline);
            Assert.False(ChatSocket.Type(answer) == "error" && answer["code"]!.GetValue<string>() == "unknown_type", $"'{type}' is documented but the gateway does not know it");
        }
        await socket.SendAsync(new { type = "not.documented" });
        Assert.Equal("unknown_type", (await socket.WaitForAsync(f => ChatSocket.Type(f) == "error", Deadline, "an error"))["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":"ack","message_id":"m-1"}""", true)]
    [InlineData("""{"type":"ack"}""", false)]
    [InlineData("""{"type":"read","conversation_id":"c-1","up_to_seq":3}""", true)]
    [InlineData("""{"type":"read","conversation_id":"c-1","up_to_seq":0}""", false)]
    [InlineData("""{"type":"typing","conversation_id":"c-1","state":"start"}""", true)]
    [InlineData("""{"type":"typing","conversation_id":"c-1","state":"dancing"}""", false)]
    [InlineData("""{"type":"sync"}""", true)]
    [InlineData("""{"type":"sync","conversation_id":"c-1","after_seq":-1}""", false)]
    [InlineData("""{"type":"ping"}""", true)]
    public void Client_frame_schemas_take_what_the_gateway_takes(string frame, bool valid)
    {
        using var json = JsonDocument.Parse(frame);
        var violation = FrameSchemas.CheckClientFrame(json.RootElement);
        Assert.True(valid == (violation is null), violation ?? $"{frame} should break its schema");
    }

    [Fact]
    public async Task A_message_has_one_shape_in_history_and_in_the_message_new_frame()
    {
        var alice = await Server.Client().SignUpAsync("aliceshape");
        var bob = await Server.Client().SignUpAsync("bobshape");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var id = await alice.SendTextAsync(conversation, "one shape");
        var pushed = (await bobSocket.MessagesAsync(1))[0];
        var stored = (await Eventually.UntilAsync(() => bob.HistoryAsync(conversation), h => h.Count == 1, Deadline, "the message in history"))[0];

        Assert.Equal(id, pushed["message_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(stored, pushed), $"history: {stored.ToJsonString()}\nmessage.new: {pushed.ToJsonString()}");
    }

    /// <summary>"/v1/conversations/{conversationId}/messages" and "…/{conversation_id}/…" are one path: parameter names are the doc's to choose.</summary>
    private static string Operation(string method, string path) => $"{method.ToUpperInvariant()} {PathParameter().Replace(path, "{}")}";

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex PathParameter();

    /// <summary>The headings of docs/api.md: operations anywhere, frames by the section they are in.</summary>
    private sealed partial record ApiDocument(IReadOnlyList<(string Method, string Path)> Operations, IReadOnlyList<(string Section, string Type)> Frames)
    {
        public IReadOnlyList<string> FramesIn(string section) => Frames.Where(f => f.Section == section).Select(f => f.Type).ToList();

        public static ApiDocument Read(string path)
        {
            var operations = new List<(string, string)>();
            var frames = new List<(string, string)>();
            var section = "";
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("## ", StringComparison.Ordinal)) section = line[3..].Trim();
                else if (OperationHeading().Match(line) is { Success: true } op) operations.Add((op.Groups[1].Value, op.Groups[2].Value));
                else if ((section is ClientFramesSection or ServerFramesSection) && FrameHeading().Match(line) is { Success: true } frame)
                    frames.Add((section, frame.Groups[1].Value));
            }
            return new ApiDocument(operations, frames);
        }

        [GeneratedRegex(@"^### `(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)`\s*$")]
        private static partial Regex OperationHeading();

        [GeneratedRegex(@"^### `([a-z][a-z.]*)`\s*$")]
        private static partial Regex FrameHeading();
    }
}
