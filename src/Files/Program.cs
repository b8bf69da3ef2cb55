using Chat.Files;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMetadataStore();
builder.AddMessageStore();
builder.AddFiles();

var app = builder.Build();
app.UseServiceDefaults();
app.MapFiles();
app.RunOrExplain();
