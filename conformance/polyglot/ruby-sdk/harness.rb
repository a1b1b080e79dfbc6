# Harness for Plivo's Ruby SDK (plivo-ruby), run from its source tree (`-I <sdk>/plivo-ruby/lib`;
# see ../matrix/rows.py) on Debian's ruby and gems.
#
# The SDK asks for faraday ~> 2.7; Debian has ruby-faraday 1.1. Faraday 2 has the `:json`
# response middleware built in, Faraday 1 has it in faraday_middleware (Debian's
# ruby-faraday-middleware), so that is loaded first; nothing of the SDK is changed.
# Voice requests (MPC included) go to the fixed host of Plivo::Base::API_VOICE, so a Faraday
# middleware put first on each voice connection sends each request to the current base URL
# instead: its scheme, host and port, and its path (the example's `/__example/NAME`) before the
# SDK's path.
# The parse is what the SDK gives its caller: the instance variables it set from the answer
# (parse_and_set), without its own (`@_...`, and `@id`, the resource id it was asked for).
require 'json'
require 'uri'
require 'faraday'
require 'faraday_middleware'
require 'plivo'

CFG = JSON.parse(File.read(ARGV[0]))
$base = nil

# Sends each request to $base, keeping the SDK's own path (as it encoded it) and query.
class Redirect < Faraday::Middleware
  def call(env)
    base = URI($base)
    url = env.url.dup
    url.scheme = base.scheme
    url.host = base.host
    url.port = base.port
    url.path = base.path.chomp('/') + env.url.path
    env.url = url
    @app.call(env)
  end
end

# The SDK's client with the redirect first on its voice connections (prepended: the SDK's
# resources accept a Plivo::RestClient only, not a subclass).
module RedirectVoice
  private

  def configure_connection
    super
    [@voice_conn_no_retry, @voice_conn_retry_1, @voice_conn_retry_2].each do |conn|
      conn.builder.insert(0, Redirect)
    end
  end
end
Plivo::RestClient.prepend(RedirectVoice)

def plain(resource)
  resource.instance_variables.reject { |v| v.to_s.start_with?('@_') || v == :@id }
          .to_h { |v| [v.to_s.delete_prefix('@'), resource.instance_variable_get(v)] }
end

def listing(client, by, mpc, call_uuid = nil)
  opts = { (by == 'name' ? :friendly_name : :uuid) => mpc }
  opts[:call_uuid] = call_uuid if call_uuid
  JSON.parse(JSON.generate(plain(client.multipartycalls.list_participants(opts))))
end

def error_text(e)
  "#{e.class}: #{e.message}"[0, 500]
end

# The operations run (see ../matrix/orchestrate.py): each operation of the spec that the SDK
# implements, as its method of client.multipartycalls, by the operationId without its
# ByName/ByUuid ending; an operation missing here has no method in the SDK. Each method takes
# one options hash, keyed by the API's names (the MPC as friendly_name or uuid).
METHODS = {
  'listMpcs' => :list, 'getMpc' => :get, 'startMpc' => :start, 'endMpc' => :stop,
  'startMpcRecording' => :start_recording, 'stopMpcRecording' => :stop_recording,
  'pauseMpcRecording' => :pause_recording, 'resumeMpcRecording' => :resume_recording,
  'addParticipant' => :add_participant, 'listParticipants' => :list_participants,
  'getParticipant' => :get_participant, 'updateParticipant' => :update_participant,
  'kickParticipant' => :kick_participant,
  'startParticipantRecording' => :start_participant_recording,
  'stopParticipantRecording' => :stop_participant_recording,
  'pauseParticipantRecording' => :pause_participant_recording,
  'resumeParticipantRecording' => :resume_participant_recording,
  'startPlayAudio' => :start_play_audio, 'stopPlayAudio' => :stop_play_audio
}.freeze
ARGUMENTS = { 'mpc_name' => 'friendly_name', 'mpc_uuid' => 'uuid' }.freeze

def call_operation(client, op, query)
  method = METHODS[op['id'].sub(/By(Name|Uuid)$/, '')]
  return 'unsupported: the SDK has no method for it' unless method

  values = op['path_params'].reject { |k, _| k == 'auth_id' }.to_h
  values.merge!(op['body'] || {}).merge!(query.to_h)
  answer = client.multipartycalls.public_send(method, values.to_h { |k, v| [ARGUMENTS.fetch(k, k).to_sym, v] })
  # A resource's fields (plain), or what the SDK returned as it is (a Hash, nil).
  JSON.parse(JSON.generate(answer.is_a?(Hash) || answer.nil? ? answer : plain(answer)))
end

def unsupported?(said)
  said.is_a?(String) && said.start_with?('unsupported')
end

# An SDK exception as the runner compares it: it carries a message made of the body's error and
# api_id (base_client.rb), no status and no body.
def raised(e)
  { '$raises' => e.class.name, '$error' => error_text(e)[0, 300] }
end

client = Plivo::RestClient.new(CFG['auth_id'], CFG['auth_token'])
if CFG.key?('operations')
  $base = CFG['requests_url']
  outcome = {}
  CFG['operations'].each do |op|
    runs = [[op['id'], []]]
    runs << ["#{op['id']}+query", op['query']] unless op['query'].empty?
    runs.each do |key, query|
      outcome[key] = begin
        said = call_operation(client, op, query)
        unsupported?(said) ? said : 'ok'
      rescue StandardError => e
        "error: #{error_text(e)}"
      end
    end
  end
  # Every response example of each operation it implements, from the base URL that serves it.
  examples = CFG['operations'].reject { |op| unsupported?(outcome[op['id']]) }.to_h do |op|
    [op['id'], op['examples'].to_h do |ex|
      $base = ex['url']
      # After a 5XX answered three times, BaseClient's class-wide @@voice_retry_count stays at 3
      # (it is reset only after a success), and every later voice call of every client fails
      # with NoMethodError (send_get returns nil): reset, so each example is read on its own.
      Plivo::BaseClient.class_variable_set(:@@voice_retry_count, 0)
      [ex['name'], begin
        call_operation(client, op, [])
      rescue StandardError => e
        raised(e)
      end]
    end]
  end
  notes = ['after a 5XX answer every later call fails with NoMethodError (BaseClient\'s class-wide ' \
           '@@voice_retry_count stays at 3); the harness resets it before each example']
  puts JSON.generate({ client: "plivo-ruby #{Plivo::VERSION}", operations: outcome, examples: examples,
                       notes: notes })
  exit 0
end
parses = {}
CFG['examples'].each do |name, url|
  $base = url
  parses[name] = [%w[by_name name mpc_name], %w[by_uuid uuid mpc_uuid]].to_h do |key, by, mpc|
    [key, begin
      listing(client, by, CFG[mpc])
    rescue StandardError => e
      { '$error' => error_text(e) }
    end]
  end
end
$base = CFG['requests_url']
calls = CFG['request_calls'].to_h do |call|
  [call['id'], begin
    listing(client, call['by'], call['mpc'], call['call_uuid'])
    'ok'
  rescue StandardError => e
    "error: #{error_text(e)}"[0, 300]
  end]
end
puts JSON.generate({ client: "plivo-ruby #{Plivo::VERSION}", parses: parses, calls: calls })
