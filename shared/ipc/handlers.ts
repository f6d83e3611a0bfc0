/**
 * The one generic type of the main process's handlers: per channel, `(context, request) → response`,
 * with the request as the contract's schema parsed it and the response the contract promises.
 * A handler module is one line per channel: adapt the request, call the use case, return its result.
 */
import type { z } from 'zod';
import type { Channel, CONTRACT, Response } from './contract.js';

export type ParsedRequest<C extends Channel> = z.output<(typeof CONTRACT)[C]['request']>;

export type ChannelHandler<Ctx, C extends Channel> = (ctx: Ctx, request: ParsedRequest<C>) => Promise<Response<C>> | Response<C>;

/** Handlers for a set of channels (a feature's, or all of them). */
export type ChannelHandlers<Ctx, C extends Channel = Channel> = { [K in C]: ChannelHandler<Ctx, K> };

/** The channels of one feature's contract (e.g. `ChannelsOf<typeof KEYS_CONTRACT>`). */
export type ChannelsOf<T> = Extract<keyof T, Channel>;
