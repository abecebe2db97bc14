// The part of node-postgres (`pg`, which ships no types of its own) the queue uses.
declare module 'pg' {
  namespace pg {
    interface QueryResult<R = any> { rows: R[]; rowCount: number | null }
    interface ClientConfig {
      connectionString?: string
      connectionTimeoutMillis?: number
      application_name?: string
      types?: { getTypeParser(oid: number, format?: string): (value: string) => unknown }
    }
    interface PoolConfig extends ClientConfig {
      max?: number
      idleTimeoutMillis?: number
      allowExitOnIdle?: boolean
    }
    interface PoolClient {
      query<R = any>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>
      release(destroy?: boolean | Error): void
    }
    class Client {
      constructor(config?: ClientConfig)
      connect(): Promise<void>
      end(): Promise<void>
      query<R = any>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>
      on(event: 'notification', fn: (msg: { channel: string; payload?: string }) => void): this
      on(event: 'error', fn: (err: Error) => void): this
      on(event: 'end', fn: () => void): this
    }
    class Pool {
      constructor(config?: PoolConfig)
      readonly totalCount: number
      readonly idleCount: number
      readonly waitingCount: number
      connect(): Promise<PoolClient>
      end(): Promise<void>
      query<R = any>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>
      on(event: 'error', fn: (err: Error) => void): this
    }
    const types: { getTypeParser(oid: number, format?: string): (value: string) => unknown }
  }
  export = pg
}
